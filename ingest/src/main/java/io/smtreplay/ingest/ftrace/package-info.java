/**
 * The kernel's binary trace data: tracefs format files, ftrace ring-buffer pages and trace-cmd's
 * {@code trace.dat}, decoded (pure Java) into the same events the text parsers of
 * {@link io.smtreplay.ingest.parse} produce, delivered to the same {@link io.smtreplay.ingest.parse.TraceRecordSink}.
 *
 * <h2>Reading pages live (the agent)</h2>
 * <pre>{@code
 * EventFormats formats = TracefsFormats.load(Path.of("/sys/kernel/tracing"));      // once, at start-up
 * PageDecoder pages = new PageDecoder(formats.layout());                              // sub-buffer size from header_page
 * EventDecoder events = new EventDecoder(formats, "host-a/live", pid -> commOf(pid)); // one per source, not thread-safe
 * DecodedPage page = new DecodedPage();                                               // one per CPU reader, reused
 * pages.decode(bytesReadFromTracePipeRaw, 0, page);   // throws CorruptTraceException (offset in the buffer)
 * events.decodePage(page, cpu, sink);                 // lost events first, then every record in order
 * }</pre>
 * To merge CPUs in time order, keep a {@link io.smtreplay.ingest.ftrace.DecodedPage} per CPU and call
 * {@link io.smtreplay.ingest.ftrace.EventDecoder#decode} record by record, always for the CPU whose
 * {@code page.timestamp(i)} is the smallest, and {@link io.smtreplay.ingest.ftrace.EventDecoder#eventsLost}
 * before a page whose {@code missedEvents()} is set (that is what {@link io.smtreplay.ingest.ftrace.TraceDatFile}
 * does). Overruns reach the sink as {@link io.smtreplay.ingest.parse.TraceRecordSink#onEventsLost}, as the
 * text path's {@code CPU:N [LOST M EVENTS]} marks do.
 *
 * <h2>Reading trace.dat</h2>
 * {@link io.smtreplay.ingest.parse.TraceFileReader#read(String, io.smtreplay.ingest.parse.TraceRecordSink)}
 * recognizes the magic bytes; directly: {@code try (TraceDatFile f = TraceDatFile.open(path)) { f.read(name, sink); }}.
 * Versions 6 and 7, zstd/zlib/none, several CPUs, instances (a source each, {@code file[instance]}).
 *
 * <h2>What the events hold</h2>
 * Typed fields come from the format's fields by name (never fixed offsets); the exit reason from
 * {@code exit_reason} under the event's {@code isa} field through {@link io.smtreplay.trace.ExitReasons};
 * the thread from {@code common_pid}, its name from the saved command lines (trace.dat) or the caller;
 * the time in ns from the page header plus deltas. Binary data knows more than some printed texts:
 * trace-cmd's kvm plugin does not print {@code vcpu_id}, {@code intr_info} or {@code error_code} of
 * kvm_exit, so those are null or -1 in events parsed from {@code trace-cmd report} and set here; and
 * report prints microseconds where pages hold nanoseconds. The payload is rendered only where it
 * is read (the wake-ups, as the kernel prints them), empty otherwise ({@link EventDecoder.Payload},
 * docs/wire.md). "Line numbers" of binary sources are record ordinals from 1.
 */
package io.smtreplay.ingest.ftrace;
