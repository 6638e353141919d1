import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes each record as one line to a file descriptor, standard error unless told otherwise.
///
/// The line is formatted outside the lock and written inside it with `write(2)` until every byte is out, so
/// lines from concurrent loggers never interleave, even when one write is split by the kernel. The sink
/// does not own the descriptor and never closes it.
///
/// - Note: A failed write (a closed pipe, a full disk) drops the line: there is nowhere left to report it.
public final class StreamLogSink: LogSink {
    public let format: LogFormat
    public let fileDescriptor: Int32

    /// Serialises writes; it guards no state, only the descriptor's byte stream.
    private let writeLock = Mutex(())

    /// - Parameters:
    ///   - fileDescriptor: Where lines go; `2` is standard error, kept apart from any output a command prints.
    ///   - format: logfmt for terminals, JSON lines for log shippers.
    public init(fileDescriptor: Int32 = 2, format: LogFormat = .logfmt) {
        self.fileDescriptor = fileDescriptor
        self.format = format
    }

    public func write(_ record: LogRecord) {
        let line = LogFormatter.line(for: record, as: self.format, terminated: true)
        self.writeLock.withLock { _ in
            writeFully(line, to: self.fileDescriptor)
        }
    }
}

/// Calls `write(2)` until all of `bytes` are written, retrying on `EINTR`; gives up on any other error.
private func writeFully(_ bytes: [UInt8], to fileDescriptor: Int32) {
    bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else {
            return
        }
        var offset = 0
        while offset < buffer.count {
            let written = write(fileDescriptor, base + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
