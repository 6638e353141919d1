import Glibc

/// The data directory holds the database, model files and backups: it must exist, be
/// writable, and have room.
struct DataDirectoryCheck: HealthCheck {
    let path: String
    /// Below this much free space the service is degraded: downloads and the database will fail soon.
    var lowSpaceBytes: UInt64 = 512 * 1024 * 1024

    var name: String { "data_dir" }
    var isCritical: Bool { true }

    func check() async -> HealthCheckOutcome {
        var info = stat()
        guard stat(self.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            return HealthCheckOutcome(.down, detail: "\(self.path) does not exist or is not a directory")
        }
        guard access(self.path, W_OK) == 0 else {
            return HealthCheckOutcome(.down, detail: "\(self.path) is not writable")
        }
        var space = statvfs()
        guard statvfs(self.path, &space) == 0 else {
            return HealthCheckOutcome(.degraded, detail: "free space unknown")
        }
        let free = UInt64(space.f_bavail) * UInt64(space.f_frsize)
        let text = "\(free / (1024 * 1024)) MiB free"
        return HealthCheckOutcome(free < self.lowSpaceBytes ? .degraded : .ok, detail: text)
    }
}
