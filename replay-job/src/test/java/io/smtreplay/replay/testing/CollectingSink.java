package io.smtreplay.replay.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it is given in this JVM, for jobs run on a MiniCluster in the same JVM:
 * the sink object is serialized into the job, so the records go to a list found by the sink's id.
 */
public final class CollectingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();
    private final String id = UUID.randomUUID().toString();

    public CollectingSink() {
        COLLECTED.put(id, new ArrayList<>());
    }

    /** What every subtask of the sink was given so far. */
    @SuppressWarnings("unchecked")
    public List<T> collected() {
        List<Object> list = COLLECTED.get(id);
        synchronized (list) {
            return (List<T>) List.copyOf(list);
        }
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> list = COLLECTED.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                synchronized (list) {
                    list.add(element);
                }
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
