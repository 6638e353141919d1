public import BloomCore
import Foundation

/// The one place where thrown errors become responses.
///
/// Body: `{"error": {"code": "...", "message": "...", "request_id": "..."}}`. Errors that are
/// not ``HTTPError`` or ``HTTPErrorConvertible`` are bugs or unexpected failures: the client
/// gets a generic 500 with the request id, the log gets the detail.
public enum ErrorResponder {
    public static func response(for error: any Error, requestID: String, logger: Logger? = nil) -> HTTPResponse {
        Self.response(for: Self.httpError(for: error, requestID: requestID, logger: logger), requestID: requestID)
    }

    /// The ``HTTPError`` any thrown error stands for, before it is written in Bloom's shape.
    ///
    /// API adapters that must answer in another wire format (OpenAI's, Ollama's) use this and
    /// write the same status and message in their own shape.
    public static func httpError(for error: any Error, requestID: String, logger: Logger? = nil) -> HTTPError {
        switch error {
        case let error as HTTPError:
            return error
        case let error as any HTTPErrorConvertible:
            return error.httpError
        case let error as DecodingError:
            return HTTPError(.badRequest, code: "invalid_json", message: Self.describe(error))
        default:
            logger?.error(
                "unhandled error", metadata: ["request.id": .string(requestID), "error": .string("\(error)")])
            return HTTPError(
                .internalServerError,
                code: "internal_error",
                message: "The server could not complete the request; quote request id \(requestID) when reporting it."
            )
        }
    }

    public static func response(for error: HTTPError, requestID: String) -> HTTPResponse {
        var body = #"{"error":{"code":"#
        body += JSONText.quoted(error.code)
        body += #","message":"#
        body += JSONText.quoted(error.message)
        if !requestID.isEmpty {
            body += #","request_id":"#
            body += JSONText.quoted(requestID)
        }
        body += "}}"
        var response = HTTPResponse.json(bytes: Array(body.utf8), status: error.status)
        for field in error.headers { response.headers.add(field.name, field.value) }
        return response
    }

    /// Says which field was wrong without echoing the body back.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "the body" : "field \"\(keys.joined(separator: "."))\""
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "The request body is missing the required field \"\(key.stringValue)\"\(parent)."
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "In the request body, \(path(context)) must be \(Self.typeName(type))."
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "The request body is not valid JSON." : "In the request body, \(path(context)) is not valid."
        @unknown default:
            return "The request body could not be read."
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "of type \(type)"
        }
    }
}
