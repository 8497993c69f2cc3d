package io.smtreplay.ingest.ftrace;

import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.trace.TraceFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace-cmd {@code trace.dat} file, versions 6 and 7 (see trace-cmd.dat.v6(5), trace-cmd.dat.v7(5)):
 * the kernel's header_page/header_event and event format files, the saved command lines, options,
 * and per CPU of each buffer (the top one and any instances) the raw ring-buffer pages, in v7 maybe
 * compressed (zstd or zlib, sections whole and CPU data in chunks).
 *
 * <p>{@link #open} reads and checks the metadata (an error there is fatal, naming the byte);
 * {@link #read} decodes every buffer's pages, merging its CPUs in time order as trace-cmd report
 * does, into events and refusals through {@link EventDecoder}. A cut or corrupt CPU section does not
 * stop it: every page that can be read is decoded, and afterwards a {@link TruncatedTraceException}
 * says where the first fault is and how many pages were read.
 */
public final class TraceDatFile implements Closeable {
    private static final byte[] MAGIC = {0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g'};
    private static final int OPTION_DONE = 0;
    private static final int OPTION_BUFFER = 3;
    private static final int OPTION_TRACECLOCK = 4;
    private static final int OPTION_UNAME = 5;
    private static final int OPTION_OFFSET = 7;
    private static final int OPTION_CPUCOUNT = 8;
    private static final int OPTION_VERSION = 9;
    private static final int OPTION_TSC2NSEC = 14;
    private static final int OPTION_HEADER_INFO = 16;
    private static final int OPTION_FTRACE_EVENTS = 17;
    private static final int OPTION_EVENT_FORMATS = 18;
    private static final int OPTION_CMDLINES = 21;
    private static final int SECTION_COMPRESSED = 1;

    /** The CPU data of one buffer: where in the file, how many bytes (compressed bytes when compressed). */
    public record CpuData(int cpu, long offset, long size) {
    }

    /** A ring buffer saved in the file: {@code ""} is the top one, others are tracefs instances. */
    public record Buffer(String name, String clock, int pageSize, boolean compressed, List<CpuData> cpus) {
    }

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private int version;
    private ByteOrder order;
    private int pageSize;
    private String compression = "none";
    private Decompressor decompressor;
    private String headerPage;
    private String headerEvent;
    private final List<EventFormat> formats = new ArrayList<>();
    private final Map<Integer, String> comms = new HashMap<>();
    private final List<Buffer> buffers = new ArrayList<>();
    private final Map<Integer, Long> sectionOffsets = new HashMap<>();
    private String clock = "local";
    private String uname;
    private String tracerVersion;
    private int cpuCount;
    private long timeOffset;
    private long[] tsc2nsec;
    private EventFormats eventFormats;

    private TraceDatFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.fileSize = channel.size();
    }

    /** Whether {@code head} (the first bytes of a file) starts with trace.dat's magic. */
    public static boolean hasMagic(byte[] head, int length) {
        return length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** The magic's length: read this many bytes to test {@link #hasMagic}. */
    public static int magicLength() {
        return MAGIC.length;
    }

    /** Opens {@code path} and reads its metadata. */
    public static TraceDatFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            TraceDatFile f = new TraceDatFile(path, channel);
            f.readMetadata();
            return f;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public int version() {
        return version;
    }

    public ByteOrder byteOrder() {
        return order;
    }

    /** {@code none}, {@code zstd} or {@code zlib}. */
    public String compression() {
        return compression;
    }

    public List<Buffer> buffers() {
        return List.copyOf(buffers);
    }

    public EventFormats formats() {
        return eventFormats;
    }

    /** The saved command lines: thread id → command name. */
    public Map<Integer, String> comms() {
        return Map.copyOf(comms);
    }

    /** The trace clock of the top buffer ({@code local}, {@code global}, {@code x86-tsc}, ...). */
    public String clock() {
        return clock;
    }

    /** The CPUs of the traced machine (CPUCOUNT option, or v6's header), which may exceed those with data. */
    public int cpuCount() {
        return cpuCount;
    }

    /** {@code uname} of the traced machine, or null when not saved. */
    public String uname() {
        return uname;
    }

    /** The version of trace-cmd that wrote the file, or null when not saved. */
    public String tracerVersion() {
        return tracerVersion;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---------------------------------------------------------------------------------------- metadata

    private void readMetadata() throws IOException {
        // v6 metadata is one sequential run from the start; map it (kallsyms alone can be megabytes)
        if (fileSize < MAGIC.length) {
            throw corrupt("not a trace.dat file: " + fileSize + " bytes", 0);
        }
        MetaReader in = new MetaReader(channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(fileSize, 1L << 30)),
                ByteOrder.LITTLE_ENDIAN, 0, true, "file header");
        byte[] magic = new byte[MAGIC.length];
        in.slice(MAGIC.length).get(magic);
        if (!hasMagic(magic, magic.length)) {
            throw corrupt("not a trace.dat file (no trace-cmd magic)", 0);
        }
        long versionAt = in.offset();
        String v = in.cstring();
        try {
            version = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw corrupt("file version '" + v + "' is not a number", versionAt);
        }
        if (version != 6 && version != 7) {
            throw corrupt("trace.dat version " + version + " is not supported (6 and 7 are)", versionAt);
        }
        long endianAt = in.offset();
        int endian = in.slice(1).get();
        int longSize = in.slice(1).get();
        if ((endian != 0 && endian != 1) || (longSize != 4 && longSize != 8)) {
            throw corrupt("bad endianness or long size (" + endian + ", " + longSize + ")", endianAt);
        }
        order = endian == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        long restAt = in.offset();
        MetaReader r = new MetaReader(in.slice(in.remaining()), order, restAt, true, "file header");
        long pageAt = r.offset();
        pageSize = (int) r.u32();
        if (pageSize < 64 || Integer.bitCount(pageSize) != 1) {
            throw corrupt("page size " + pageSize + " is not a power of two", pageAt);
        }
        if (version == 6) {
            readV6(r);
        } else {
            readV7(r);
        }
        if (headerPage == null || headerEvent == null) {
            throw corrupt("no header_page/header_event in the file", -1);
        }
        RingBufferLayout layout = RingBufferLayout.parse(headerPage, headerEvent, order);
        eventFormats = new EventFormats(layout, formats);
    }

    private void readV6(MetaReader r) throws IOException {
        readHeaderInfo(r);
        readFtraceEvents(r);
        readEventFormats(r);
        r.skip(r.length(r.u32(), "kallsyms"));
        r.skip(r.length(r.u32(), "printk formats"));
        readCmdlines(r);
        cpuCount = (int) r.u32();
        List<String> instanceNames = new ArrayList<>();
        List<Long> instanceOffsets = new ArrayList<>();
        long markAt = r.offset();
        String mark = r.text(10);
        if (mark.startsWith("options")) {
            while (true) {
                int id = r.u16();
                if (id == OPTION_DONE) {
                    break;
                }
                int size = r.length(r.u32(), "option " + id);
                MetaReader option = new MetaReader(r.slice(size), order, r.offset() - size, true, "option " + id);
                if (id == OPTION_BUFFER) {
                    instanceOffsets.add(option.u64());
                    instanceNames.add(option.cstring());
                } else {
                    readOption(id, option, size);
                }
            }
            markAt = r.offset();
            mark = r.text(10);
        }
        if (mark.startsWith("latency")) {
            throw corrupt("a latency-tracer trace.dat holds text, not kvm events", markAt);
        }
        if (!mark.startsWith("flyrecord")) {
            throw corrupt("expected 'flyrecord' or 'options', found '" + printable(mark) + "'", markAt);
        }
        buffers.add(new Buffer("", clock, pageSize, false, readV6Cpus(r)));
        for (int i = 0; i < instanceNames.size(); i++) {
            long at = instanceOffsets.get(i);
            MetaReader b = new MetaReader(readAt(at, (int) Math.min(fileSize - Math.min(at, fileSize), 10L + 16L * cpuCount + 4096),
                    "buffer " + instanceNames.get(i)), order, at, true, "buffer " + instanceNames.get(i));
            String m = b.text(10);
            if (m.startsWith("options")) {
                while (b.u16() != OPTION_DONE) {
                    b.skip(b.length(b.u32(), "option"));
                }
                m = b.text(10);
            }
            if (!m.startsWith("flyrecord")) {
                throw corrupt("buffer " + instanceNames.get(i) + " does not start with 'flyrecord'", at);
            }
            buffers.add(new Buffer(instanceNames.get(i), clock, pageSize, false, readV6Cpus(b)));
        }
    }

    private List<CpuData> readV6Cpus(MetaReader r) throws CorruptTraceException {
        List<CpuData> cpus = new ArrayList<>();
        for (int cpu = 0; cpu < cpuCount; cpu++) {
            cpus.add(new CpuData(cpu, r.u64(), r.u64()));
        }
        return cpus;
    }

    private void readV7(MetaReader r) throws IOException {
        long compressionAt = r.offset();
        compression = r.cstring();
        r.cstring(); // the compressor's version
        decompressor = Decompressor.of(compression, compressionAt);
        long options = r.u64();
        int sections = 0;
        while (options != 0) {
            if (++sections > 1024) {
                throw corrupt("more than 1024 option sections: a loop", options);
            }
            options = readOptionSection(options);
        }
        for (int id : new int[] {OPTION_HEADER_INFO, OPTION_FTRACE_EVENTS, OPTION_EVENT_FORMATS, OPTION_CMDLINES}) {
            Long at = sectionOffsets.get(id);
            if (at == null) {
                if (id == OPTION_HEADER_INFO || id == OPTION_EVENT_FORMATS) {
                    throw corrupt("no " + (id == OPTION_HEADER_INFO ? "header" : "event formats") + " section", -1);
                }
                continue;
            }
            MetaReader s = section(at, id);
            switch (id) {
                case OPTION_HEADER_INFO -> readHeaderInfo(s);
                case OPTION_FTRACE_EVENTS -> readFtraceEvents(s);
                case OPTION_EVENT_FORMATS -> readEventFormats(s);
                default -> readCmdlines(s);
            }
        }
    }

    /** Reads one options section; returns the offset of the next, 0 for none. */
    private long readOptionSection(long at) throws IOException {
        MetaReader r = section(at, OPTION_DONE);
        boolean inFile = !isCompressedSection(at);
        while (true) {
            int id = r.u16();
            int size = r.length(r.u32(), "option " + id);
            MetaReader option = new MetaReader(r.slice(size), order, inFile ? r.offset() - size : at, inFile, "option " + id);
            if (id == OPTION_DONE) {
                return option.u64();
            }
            switch (id) {
                case OPTION_BUFFER -> readBufferOption(option);
                case OPTION_HEADER_INFO, OPTION_FTRACE_EVENTS, OPTION_EVENT_FORMATS, OPTION_CMDLINES ->
                        sectionOffsets.put(id, option.u64());
                default -> readOption(id, option, size);
            }
        }
    }

    private void readOption(int id, MetaReader option, int size) throws CorruptTraceException {
        switch (id) {
            case OPTION_TRACECLOCK -> clock = currentClock(option.text(size));
            case OPTION_UNAME -> uname = option.text(size).replace("\0", "").strip();
            case OPTION_VERSION -> tracerVersion = option.text(size).replace("\0", "").strip();
            case OPTION_CPUCOUNT -> cpuCount = (int) option.u32();
            case OPTION_OFFSET -> {
                String text = option.text(size).replace("\0", "").strip();
                try {
                    timeOffset += text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new CorruptTraceException("OFFSET option '" + printable(text) + "' is not a number", option.offset());
                }
            }
            case OPTION_TSC2NSEC -> tsc2nsec = new long[] {option.u32(), option.u32(), option.u64()};
            default -> { } // DATE (shown by trace-cmd report only with --date), CPUSTAT, HOOK, ...: not needed to decode
        }
    }

    /** {@code trace_clock} lists every clock and brackets the one in use: {@code local [global] counter}. */
    private static String currentClock(String text) {
        int open = text.indexOf('[');
        int close = text.indexOf(']', open + 1);
        return open >= 0 && close > open ? text.substring(open + 1, close) : text.replace("\0", "").strip();
    }

    private void readBufferOption(MetaReader option) throws IOException {
        long at = option.u64();
        String name = option.cstring();
        String bufferClock = option.cstring();
        int bufferPageSize = (int) option.u32();
        int cpus = (int) option.u32();
        if (cpus < 0 || cpus > 65536) {
            throw corrupt("buffer '" + name + "' declares " + cpus + " CPUs", option.offset());
        }
        List<CpuData> data = new ArrayList<>();
        for (int i = 0; i < cpus; i++) {
            data.add(new CpuData((int) option.u32(), option.u64(), option.u64()));
        }
        boolean compressed = isCompressedSection(at);
        if (name.isEmpty()) {
            clock = bufferClock;
        }
        buffers.add(new Buffer(name, bufferClock, bufferPageSize, compressed, data));
    }

    private boolean isCompressedSection(long at) throws IOException {
        ByteBuffer header = readAt(at, 16, "section header").order(order);
        return (header.getShort(2) & SECTION_COMPRESSED) != 0;
    }

    /** The content of the v7 section at {@code at}, decompressed; its id must be {@code expectedId}. */
    private MetaReader section(long at, int expectedId) throws IOException {
        ByteBuffer header = readAt(at, 16, "section header").order(order);
        int id = header.getShort(0) & 0xffff;
        int flags = header.getShort(2) & 0xffff;
        long size = header.getLong(8);
        if (id != expectedId) {
            throw corrupt("section at byte " + at + " is id " + id + ", expected " + expectedId, at);
        }
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw corrupt("section " + id + " declares " + size + " bytes", at + 8);
        }
        ByteBuffer content = readAt(at + 16, (int) size, "section " + id);
        if ((flags & SECTION_COMPRESSED) == 0) {
            return new MetaReader(content, order, at + 16, true, "section " + id);
        }
        if (decompressor == null) {
            throw corrupt("section " + id + " is compressed but the file names no compression", at);
        }
        content.order(order);
        long packed = content.getInt(0) & 0xffff_ffffL;
        long unpacked = content.getInt(4) & 0xffff_ffffL;
        if (packed > size - 8 || unpacked > Integer.MAX_VALUE) {
            throw corrupt("section " + id + ": compressed size " + packed + " does not fit its " + size + " bytes", at + 16);
        }
        byte[] bytes = new byte[(int) packed];
        content.get(8, bytes);
        byte[] out = decompressAt(bytes, 0, bytes.length, (int) unpacked, at + 24);
        return new MetaReader(ByteBuffer.wrap(out), order, at, false, "section " + id);
    }

    private byte[] decompressAt(byte[] in, int offset, int length, int size, long fileOffset) throws CorruptTraceException {
        try {
            return decompressor.decompress(in, offset, length, size);
        } catch (CorruptTraceException e) {
            throw corrupt(e.getMessage(), fileOffset);
        }
    }

    private void readHeaderInfo(MetaReader r) throws CorruptTraceException {
        expectName(r, "header_page");
        headerPage = r.text(r.length(r.u64(), "header_page"));
        expectName(r, "header_event");
        headerEvent = r.text(r.length(r.u64(), "header_event"));
    }

    private void expectName(MetaReader r, String name) throws CorruptTraceException {
        long at = r.offset();
        String found = r.cstring();
        if (!found.equals(name)) {
            throw corrupt("expected '" + name + "', found '" + printable(found) + "'", at);
        }
    }

    private void readFtraceEvents(MetaReader r) throws CorruptTraceException {
        long count = r.u32();
        for (long i = 0; i < count; i++) {
            addFormat("ftrace", r);
        }
    }

    private void readEventFormats(MetaReader r) throws CorruptTraceException {
        long systems = r.u32();
        for (long s = 0; s < systems; s++) {
            String system = r.cstring();
            long events = r.u32();
            for (long e = 0; e < events; e++) {
                addFormat(system, r);
            }
        }
    }

    private void addFormat(String system, MetaReader r) throws CorruptTraceException {
        long at = r.offset();
        String text = r.text(r.length(r.u64(), "format of " + system));
        try {
            formats.add(EventFormat.parse(system, text));
        } catch (CorruptTraceException e) {
            throw corrupt(e.getMessage(), at);
        }
    }

    private void readCmdlines(MetaReader r) throws CorruptTraceException {
        String text = r.text(r.length(r.u64(), "saved command lines"));
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0) {
                try {
                    comms.put(Integer.parseInt(line.substring(0, space).strip()), line.substring(space + 1));
                } catch (NumberFormatException e) {
                    // a line that is no "pid comm" pair names no thread: nothing to map
                }
            }
        }
    }

    private ByteBuffer readAt(long at, int length, String what) throws IOException {
        if (at < 0 || at + length > fileSize) {
            throw corrupt(what + " of " + length + " bytes at byte " + at + " is cut by the end of the file at byte " + fileSize,
                    Math.max(0, Math.min(at, fileSize)));
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw corrupt(what + " cut by the end of the file", at + b.position());
            }
        }
        return b.flip();
    }

    private CorruptTraceException corrupt(String message, long offset) {
        return new CorruptTraceException(path + ": corrupt trace.dat" + (offset >= 0 ? " at byte " + offset : "") + ": "
                + message, offset);
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    // ---------------------------------------------------------------------------------------- events

    /**
     * Decodes every buffer (the top one first, then instances, each a source of its own named
     * {@code source} or {@code source[instance]}) into {@code sink}, CPUs merged in time order.
     *
     * @return what was read, summed over buffers; records are events, refusals and lost-event marks
     * @throws TruncatedTraceException after reading everything readable, when a CPU section was cut or corrupt
     */
    public ReadSummary read(String source, TraceRecordSink sink) throws IOException {
        long records = 0;
        long events = 0;
        Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
        PageFaults faults = new PageFaults();
        for (Buffer buffer : buffers) {
            String name = buffer.name().isEmpty() ? source : source + "[" + buffer.name() + "]";
            EventDecoder decoder = new EventDecoder(eventFormats, name, EventDecoder.traceCmdComms(comms));
            new BufferMerge(buffer, decoder, sink, faults).run();
            ReadSummary s = decoder.summary();
            records += s.lines();
            events += s.events();
            s.refusedByReason().forEach((r, n) -> refused.merge(r, n, Long::sum));
        }
        ReadSummary summary = new ReadSummary(source, records == 0 ? null : TraceFormat.TRACE_CMD, records, events, refused);
        if (faults.first != null) {
            throw new TruncatedTraceException(path + ": " + faults.first + " (" + faults.pagesRead + " of "
                    + (faults.pagesRead + faults.pagesLost) + " pages read; " + events + " events decoded)",
                    faults.firstOffset, summary, faults.pagesRead, faults.pagesLost);
        }
        return summary;
    }

    /** The first fault in the CPU data, and pages read and lost over the whole file. */
    private static final class PageFaults {
        String first;
        long firstOffset = -1;
        long pagesRead;
        long pagesLost;

        void fault(String what, long offset) {
            if (first == null) {
                first = what + " at byte " + offset;
                firstOffset = offset;
            }
        }
    }

    /** One buffer's CPUs, each a stream of pages, merged by time into one decoder. */
    private final class BufferMerge {
        private final EventDecoder decoder;
        private final TraceRecordSink sink;
        private final List<CpuCursor> cursors = new ArrayList<>();
        private final PageDecoder pages;

        BufferMerge(Buffer buffer, EventDecoder decoder, TraceRecordSink sink, PageFaults faults) {
            this.decoder = decoder;
            this.sink = sink;
            int size = buffer.pageSize() > 0 ? buffer.pageSize() : pageSize;
            this.pages = new PageDecoder(eventFormats.layout().withSubBufferSize(size));
            for (CpuData cpu : buffer.cpus()) {
                if (cpu.size() > 0) {
                    cursors.add(new CpuCursor(cpu, size, buffer.compressed(), faults));
                }
            }
        }

        void run() throws IOException {
            for (CpuCursor c : cursors) {
                c.advance();
            }
            while (true) {
                CpuCursor next = null;
                for (CpuCursor c : cursors) {
                    if (c.hasRecord() && (next == null || c.timestamp() < next.timestamp())) {
                        next = c;
                    }
                }
                if (next == null) {
                    return;
                }
                next.emit();
            }
        }

        /** A CPU's pages, one decoded at a time, and the next record on it. */
        private final class CpuCursor {
            private final CpuData data;
            private final int pageSize;
            private final boolean compressed;
            private final PageFaults faults;
            private final DecodedPage page = new DecodedPage();
            private int index;
            private boolean lostPending;
            // the bytes at hand: a block of raw pages, or one decompressed chunk
            private ByteBuffer block = ByteBuffer.allocate(0);
            private int blockPage;
            private long blockFileOffset;
            private long nextFileOffset;
            private long end;
            private long chunksLeft = -1;
            private boolean cut;

            CpuCursor(CpuData data, int pageSize, boolean compressed, PageFaults faults) {
                this.data = data;
                this.pageSize = pageSize;
                this.compressed = compressed;
                this.faults = faults;
                this.nextFileOffset = data.offset();
                this.end = data.offset() + data.size();
                if (end > fileSize) {
                    faults.fault("CPU " + data.cpu() + " data (" + data.size() + " bytes from byte " + data.offset()
                            + ") is cut by the end of the file", fileSize);
                    if (!compressed) {
                        long whole = Math.max(0, fileSize - data.offset()) / pageSize;
                        faults.pagesLost += (data.size() + pageSize - 1) / pageSize - whole;
                    }
                    end = fileSize;
                    cut = true;
                }
            }

            boolean hasRecord() {
                return index < page.recordCount();
            }

            long timestamp() {
                return page.timestamp(index);
            }

            void emit() throws IOException {
                if (lostPending) {
                    lostPending = false;
                    decoder.eventsLost(data.cpu(), page.lostEvents(), sink);
                }
                decoder.decode(page.buffer(), page.recordOffset(index), page.recordLength(index), time(page.timestamp(index)),
                        data.cpu(), sink);
                index++;
                if (index >= page.recordCount()) {
                    advance();
                }
            }

            /** Loads pages until one has records, or the CPU's data ends. */
            void advance() throws IOException {
                while (nextPage()) {
                    int start = blockPage * pageSize;
                    blockPage++;
                    try {
                        pages.decode(block, start, page);
                        faults.pagesRead++;
                    } catch (CorruptTraceException e) {
                        faults.pagesLost++;
                        faults.fault("corrupt page on CPU " + data.cpu() + " (" + e.getMessage() + ")",
                                compressed ? blockFileOffset : blockFileOffset + e.offset());
                    }
                    index = 0;
                    lostPending = page.missedEvents();
                    if (page.recordCount() > 0) {
                        return;
                    }
                    if (lostPending) {
                        lostPending = false;
                        decoder.eventsLost(data.cpu(), page.lostEvents(), sink);
                    }
                }
                index = 0;
                page.count = 0;
            }

            private long time(long raw) {
                long t = raw;
                if (tsc2nsec != null) {
                    long mult = tsc2nsec[0];
                    int shift = (int) tsc2nsec[1];
                    long high = Math.multiplyHigh(t, mult);
                    long low = t * mult;
                    t = shift == 0 ? low : (low >>> shift) | (high << (64 - shift));
                    t += tsc2nsec[2];
                }
                return t + timeOffset;
            }

            /** Makes the next whole page available in {@link #block} at {@link #blockPage}. */
            private boolean nextPage() throws IOException {
                if ((blockPage + 1) * (long) pageSize <= block.limit()) {
                    return true;
                }
                return compressed ? nextChunk() : nextRawBlock();
            }

            private boolean nextRawBlock() throws IOException {
                long left = end - nextFileOffset;
                if (left < pageSize) {
                    if (left > 0 && !cut) { // a cut file's partial page is counted with the cut
                        faults.pagesLost++;
                        faults.fault("CPU " + data.cpu() + " ends in a partial page of " + left + " bytes", nextFileOffset);
                    }
                    return false;
                }
                int n = (int) Math.min(left / pageSize, 256) * pageSize;
                block = readAt(nextFileOffset, n, "CPU " + data.cpu() + " pages");
                blockFileOffset = nextFileOffset;
                nextFileOffset += n;
                blockPage = 0;
                return true;
            }

            private boolean nextChunk() throws IOException {
                try {
                    if (chunksLeft < 0) {
                        chunksLeft = readAt(nextFileOffset, 4, "chunk count").order(order).getInt() & 0xffff_ffffL;
                        nextFileOffset += 4;
                    }
                    if (chunksLeft == 0) {
                        return false;
                    }
                    ByteBuffer h = readAt(nextFileOffset, 8, "chunk header").order(order);
                    long packed = h.getInt(0) & 0xffff_ffffL;
                    long unpacked = h.getInt(4) & 0xffff_ffffL;
                    if (unpacked > Integer.MAX_VALUE || unpacked % pageSize != 0) {
                        throw corrupt("chunk of " + unpacked + " bytes is not whole pages of " + pageSize, nextFileOffset + 4);
                    }
                    long at = nextFileOffset;
                    byte[] bytes = new byte[(int) packed];
                    readAt(at + 8, (int) packed, "chunk").get(bytes);
                    block = ByteBuffer.wrap(decompressAt(bytes, 0, bytes.length, (int) unpacked, at));
                    blockFileOffset = at;
                    nextFileOffset = at + 8 + packed;
                    blockPage = 0;
                    chunksLeft--;
                    return block.limit() >= pageSize || nextChunk();
                } catch (CorruptTraceException e) {
                    // the rest of this CPU cannot be located: count it as one fault
                    faults.pagesLost += Math.max(chunksLeft, 1);
                    faults.fault("CPU " + data.cpu() + ": " + e.getMessage(), e.offset());
                    chunksLeft = 0;
                    return false;
                }
            }
        }
    }
}
