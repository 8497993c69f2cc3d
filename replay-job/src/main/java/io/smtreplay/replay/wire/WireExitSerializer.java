package io.smtreplay.replay.wire;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link WireExit} on Flink's network and in its keyed state, field by field. Flink's POJO
 * serializer would do the same through reflection and per-field null flags, a few percent of both
 * the source's and the replay's time (BENCHMARKS.md, issue 4). The message bytes are written as
 * they are: no schema lives here, a checkpoint holds each event in the topic's own encoding.
 */
public final class WireExitSerializer extends TypeSerializer<WireExit> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<WireExit> duplicate() {
        return this; // stateless
    }

    @Override
    public WireExit createInstance() {
        return new WireExit();
    }

    /** Shallow in the message: no operator changes a message's bytes once read. */
    @Override
    public WireExit copy(WireExit from) {
        WireExit to = new WireExit();
        to.host = from.host;
        to.threadId = from.threadId;
        to.timestampNs = from.timestampNs;
        to.message = from.message;
        to.topic = from.topic;
        to.partition = from.partition;
        to.offset = from.offset;
        to.decoded = from.decoded;
        return to;
    }

    @Override
    public WireExit copy(WireExit from, WireExit reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(WireExit exit, DataOutputView target) throws IOException {
        target.writeUTF(exit.host);
        target.writeInt(exit.threadId);
        target.writeLong(exit.timestampNs);
        target.writeUTF(exit.topic);
        target.writeInt(exit.partition);
        target.writeLong(exit.offset);
        target.writeInt(exit.message.length);
        target.write(exit.message);
    }

    @Override
    public WireExit deserialize(DataInputView source) throws IOException {
        WireExit exit = new WireExit();
        exit.host = source.readUTF();
        exit.threadId = source.readInt();
        exit.timestampNs = source.readLong();
        exit.topic = source.readUTF();
        exit.partition = source.readInt();
        exit.offset = source.readLong();
        exit.message = new byte[source.readInt()];
        source.readFully(exit.message);
        return exit;
    }

    @Override
    public WireExit deserialize(WireExit reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof WireExitSerializer;
    }

    @Override
    public int hashCode() {
        return WireExitSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<WireExit> snapshotConfiguration() {
        return new Snapshot();
    }

    /** No configuration to keep; a change of the layout above needs a new snapshot version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<WireExit> {
        public Snapshot() {
            super(WireExitSerializer::new);
        }
    }
}
