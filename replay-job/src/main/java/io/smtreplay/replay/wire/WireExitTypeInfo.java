package io.smtreplay.replay.wire;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** The type of the job's {@link WireExit} streams and state: serialized by {@link WireExitSerializer}. */
public final class WireExitTypeInfo extends TypeInformation<WireExit> {

    private static final long serialVersionUID = 1L;
    public static final WireExitTypeInfo INSTANCE = new WireExitTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<WireExit> getTypeClass() {
        return WireExit.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<WireExit> createSerializer(SerializerConfig config) {
        return new WireExitSerializer();
    }

    @Override
    public String toString() {
        return "WireExit";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof WireExitTypeInfo;
    }

    @Override
    public int hashCode() {
        return WireExitTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof WireExitTypeInfo;
    }
}
