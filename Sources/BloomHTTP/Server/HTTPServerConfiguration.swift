/// Limits and timeouts of the HTTP server; ``HTTPServer`` enforces every one of them.
public struct HTTPServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 asks the kernel for a free port; ``HTTPServer/port`` tells which.
    public var port: Int = 8000
    public var eventLoops: Int = 2
    /// Request line plus header fields, in bytes; beyond it the answer is 431.
    public var maxHeaderBytes: Int = 16 * 1024
    /// Request target length; beyond it the answer is 414.
    public var maxTargetBytes: Int = 8 * 1024
    /// Request body, in bytes; beyond it the answer is 413.
    public var maxBodyBytes: Int = 1024 * 1024
    /// Open connections across all loops; new ones beyond it are closed at once.
    public var maxConnections: Int = 10_000
    /// From the first byte of a request to the end of its head (slowloris defence).
    public var headerTimeout: Duration = .seconds(10)
    /// From the end of the head to the end of the body.
    public var bodyTimeout: Duration = .seconds(30)
    /// An open connection with no request in progress.
    public var idleTimeout: Duration = .seconds(75)
    /// Fields added to every response that does not set them itself.
    public var standardHeaders = StandardHeaders()
    /// Unsent response bytes above which a streaming writer waits for the client to read.
    public var writeHighWaterMark: Int = 64 * 1024

    public init() {}
}
