import ArchiveService
import HTTP1
import Routing
import Storage

// The one place where service and storage errors get their HTTP meaning.

extension ServiceError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        switch self {
        case .notFound(let detail):
            HTTPError(.notFound, detail: detail)
        case .unprocessable(let detail):
            HTTPError(.unprocessableContent, detail: detail)
        case .invalidInput(let detail):
            HTTPError(.badRequest, detail: detail)
        case .storage(let error):
            error.httpError
        }
    }
}

extension StorageError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        switch self {
        case .unavailable(let reason, let retryAfter):
            HTTPError(.serviceUnavailable, detail: "the archive cannot do this right now (\(reason.summary)); nothing was changed, try again in \(retryAfter) s",
                      headers: ["Retry-After": String(retryAfter)])
        case .notFound(let detail):
            HTTPError(.notFound, detail: detail)
        case .invalid(let detail):
            HTTPError(.unprocessableContent, detail: detail)
        case .migration, .corrupt, .database:
            // SQLite details go to the log (the router logs 500s with the request id), not to clients.
            HTTPError(.internalServerError, detail: "the archive's database failed on this request")
        }
    }
}
