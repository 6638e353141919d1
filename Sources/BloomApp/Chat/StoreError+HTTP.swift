public import BloomHTTP
public import BloomStore

extension StoreError: HTTPErrorConvertible {
    /// A database that is down is the server's temporary trouble (503); anything else is a
    /// fault of ours (500). The database's own message stays in the log, not the response.
    public var httpError: HTTPError {
        self.isRetryable
            ? HTTPError(
                .serviceUnavailable, code: "store_unavailable",
                message: "The database is not answering; try again shortly.", headers: ["Retry-After": "5"])
            : HTTPError(
                .internalServerError, code: "store_error", message: "The database could not complete the request.")
    }
}
