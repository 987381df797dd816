import Vapor

/// Serves the bundled public files (the stylesheet) without touching the file system for any other request.
/// Vapor's `FileMiddleware` looks every request's path up on disk through the thread pool; OCSP, TSA, the API and
/// the pages never name a file, and that lookup was the largest cost of a trivial request.
struct PublicFilesMiddleware: AsyncMiddleware {
    let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard request.method == .GET || request.method == .HEAD, !path.hasPrefix("/pki/"), !path.hasPrefix("/api/"),
              let last = path.split(separator: "/").last, last.contains(".") else {
            return try await next.respond(to: request)
        }
        return try await files.respond(to: request, chainingTo: next)
    }
}
