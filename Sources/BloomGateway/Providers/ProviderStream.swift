import BloomHTTP

/// Turns one provider's wire format into ``ChatEvent``s; a value per response.
protocol ChatStreamDecoder {
    /// Appends the events in `piece`; a ``ChatEvent/done(_:)`` ends the stream. Events appended
    /// before a throw are still delivered.
    mutating func decode(_ piece: [UInt8], into events: inout [ChatEvent]) throws(ProviderError)
    /// What it means when the body ends before a `done` event.
    var endedEarly: ProviderError { get }
}

/// The streaming loop every HTTP provider shares: reads the body, yields decoded events, and
/// reports failures so the router can act on them. Any failure after the first text becomes
/// ``ProviderError/Kind/failedMidStream``: that text has gone to the client and must not be
/// produced again by a retry.
enum ProviderStream {
    static func events(from response: ClientResponse, decoder: some ChatStreamDecoder & Sendable)
        -> AsyncThrowingStream<ChatEvent, any Error>
    {
        AsyncThrowingStream { continuation in
            let task = Task {
                var decoder = decoder
                var produced = false
                do {
                    for try await piece in response.body {
                        var events: [ChatEvent] = []
                        var failure: ProviderError?
                        do throws(ProviderError) {
                            try decoder.decode(piece, into: &events)
                        } catch {
                            failure = error
                        }
                        for event in events {
                            continuation.yield(event)
                            if case .done = event {
                                continuation.finish()
                                return
                            }
                            produced = true
                        }
                        if let failure { throw failure }
                    }
                    throw decoder.endedEarly
                } catch let error as ProviderError {
                    continuation.finish(throwing: produced ? ProviderError(.failedMidStream, error.message) : error)
                } catch {
                    let kind: ProviderError.Kind = produced ? .failedMidStream : .unreachable
                    continuation.finish(throwing: ProviderError(kind, "the upstream stream failed: \(error)"))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Sends `request` and returns the response when its status is 200; otherwise throws what
    /// `statusError` makes of it. Connection failures are ``ProviderError/Kind/unreachable``.
    static func open(
        _ request: ClientRequest,
        client: HTTPClient,
        connectTimeout: Duration,
        statusError: (ClientResponse) async -> ProviderError
    ) async throws -> ClientResponse {
        let response: ClientResponse
        do {
            response = try await client.execute(request, connectTimeout: connectTimeout)
        } catch let error as HTTPClientError {
            throw ProviderError(.unreachable, "\(error)")
        }
        guard response.status == 200 else { throw await statusError(response) }
        return response
    }
}
