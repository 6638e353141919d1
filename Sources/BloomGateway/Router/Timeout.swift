/// Runs `operation`, or throws `onTimeout` when it has not finished within `limit`; the
/// operation is cancelled then, which for providers closes the upstream connection.
func withTimeout<Value: Sendable>(
    _ limit: Duration,
    onTimeout: @autoclosure @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw onTimeout() }
        guard let value = first else { throw onTimeout() }
        return value
    }
}

/// Lets an async iterator be advanced from a child task (for timeouts). Only one task uses it
/// at a time: the caller awaits each `next()` before the next one.
final class IteratorBox: @unchecked Sendable {
    var iterator: AsyncThrowingStream<ChatEvent, any Error>.Iterator

    init(_ stream: AsyncThrowingStream<ChatEvent, any Error>) { self.iterator = stream.makeAsyncIterator() }

    func next() async throws -> ChatEvent? { try await self.iterator.next() }
}
