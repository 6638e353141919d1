/// Media types by file extension for the assets Bloom serves.
public enum MediaTypes {
    private static let byExtension: [String: String] = [
        "html": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "json": "application/json",
        "map": "application/json",
        "txt": "text/plain; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "ico": "image/x-icon",
        "woff": "font/woff",
        "woff2": "font/woff2",
        "ics": "text/calendar; charset=utf-8",
        "pdf": "application/pdf",
        "webmanifest": "application/manifest+json",
        "xml": "application/xml",
    ]

    /// The type for `path`; unknown extensions are served as opaque bytes.
    public static func type(forPath path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "application/octet-stream" }
        return Self.byExtension[path[path.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }
}
