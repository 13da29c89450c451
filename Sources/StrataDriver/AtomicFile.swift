import StrataDiagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file operation, with the C library's reason.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    /// The path shown with control and invisible characters escaped (a file name may hold anything).
    public var description: String { "\(VisibleText.escaped(path)): \(reason)" }

    static func current(_ path: String) -> FileError { FileError(path: path, reason: String(cString: strerror(errno))) }
}

/// The one implementation of whole-file reads and atomic writes, for every command that writes
/// a file (`check --output`, `fmt`, `diagram -o`, the build's staging tree, `strata up`'s state).
public enum AtomicFile {
    /// Reads a whole regular file.
    public static func read(_ path: String) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .current(path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .current(path) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError(path: path, reason: String(cString: strerror(EISDIR))) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .current(path)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// Replaces (or creates) the file at `path` so that a reader sees either the old or the new
    /// content, never a mix: the bytes go into a temporary file beside it, are synced, and the
    /// temporary file is renamed over the target. An existing file keeps its permission bits
    /// (through a symbolic link, its target is replaced); a new one gets `0666` less the umask.
    /// With `createDirectories`, missing parent folders are made first.
    public static func write(_ bytes: [UInt8], to path: String, createDirectories: Bool = false) throws(FileError) {
        var target = path
        var mode: mode_t? = nil
        if let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
            var info = stat()
            if stat(target, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError(path: path, reason: "names a directory") }
                mode = info.st_mode & 0o7777
            }
        }
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        guard !name.isEmpty else { throw FileError(path: path, reason: "names a directory") }
        if createDirectories { try makeDirectories(directory.isEmpty ? "/" : directory, for: path) }
        let temporary = "\(directory.isEmpty ? "" : directory)/.\(name).strata-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw .current(path) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        try fill(fd, with: bytes, mode: mode, path: path)
        guard rename(temporary, target) == 0 else { throw .current(path) }
        renamed = true
    }

    /// Writes a temporary file's content and syncs it, then closes it whatever happened.
    private static func fill(_ fd: Int32, with bytes: [UInt8], mode: mode_t?, path: String) throws(FileError) {
        defer { close(fd) }
        if let mode, fchmod(fd, mode) != 0 { throw .current(path) }
        try writeAll(bytes, to: fd, path: path)
        guard fsync(fd) == 0 else { throw .current(path) }
    }

    /// Creates a new file with exactly `mode` (whatever the umask) and writes it whole. Fails when
    /// the file exists. For trees assembled in a private staging folder, which is swapped in whole.
    public static func create(_ bytes: [UInt8], at path: String, mode: mode_t) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .current(path) }
        var closed = false
        defer { if !closed { close(fd) } }
        try writeAll(bytes, to: fd, path: path)
        guard fchmod(fd, mode) == 0 else { throw .current(path) }
        closed = true
        guard close(fd) == 0 else { throw .current(path) }
    }

    /// Writes every byte to a file descriptor, retrying interrupted and partial writes.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .current(path)
            }
            offset += n
        }
    }

    /// `mkdir -p`.
    private static func makeDirectories(_ directory: String, for path: String) throws(FileError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o777) != 0, errno != EEXIST { throw .current(path) }
            prefix += "/"
        }
    }
}

/// `read(2)`, named apart from the `read` methods that would shadow it.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// `write(2)`, named apart from the `write` methods that would shadow it.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
