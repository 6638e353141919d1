import Glibc

/// A read-only memory mapping of a whole file, unmapped when the last reference goes.
///
/// Weights are read straight from the mapping, so a model costs page cache rather than heap,
/// and several loads of one file share it.
package final class MappedFile: @unchecked Sendable {
    package let path: String
    package let bytes: UnsafeRawBufferPointer

    package init(path: String) throws(GGUFError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size > 0 else { throw .truncated(reading: "the header", offset: 0) }

        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: self.bytes.baseAddress), self.bytes.count)
    }
}

extension MappedFile {
    /// Drops the mapping's pages from this process's resident set; they fault back in from the
    /// page cache if read again. Called once weights have been copied into their own layouts.
    package func releaseResidentPages() {
        _ = madvise(UnsafeMutableRawPointer(mutating: self.bytes.baseAddress), self.bytes.count, MADV_DONTNEED)
    }
}
