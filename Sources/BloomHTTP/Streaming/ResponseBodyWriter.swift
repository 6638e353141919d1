/// Writes the body of a streamed response from an async handler.
///
/// Each write hops to the connection's event loop; it returns once the bytes are queued and
/// the connection's unsent bytes are under the high-water mark, so a client that reads slowly
/// slows its producer instead of growing memory. Writes after the client left throw
/// ``ConnectionClosedError``.
public struct ResponseBodyWriter: Sendable {
    let connection: HTTPConnection
    let exchangeID: UInt64

    public func write(_ bytes: [UInt8]) async throws {
        try Task.checkCancellation()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.connection.loop.execute {
                self.connection.writeStreamChunk(bytes, exchangeID: self.exchangeID, continuation: continuation)
            }
        }
    }

    public func write(_ text: String) async throws {
        try await self.write(Array(text.utf8))
    }
}
