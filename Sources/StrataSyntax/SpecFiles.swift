#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much one compilation reads at most. A spec from a stranger can name an endless
/// file; every read stops one byte past its limit instead of reading it all.
public struct SpecReadLimits: Hashable, Sendable {
    /// Largest file read (the root spec or one include), in bytes: 8 MiB by default.
    public var maxFileBytes: Int
    /// Largest total of every file of one compilation, in bytes: 64 MiB by default.
    public var maxTotalBytes: Int

    /// Limits of `maxFileBytes` per file and `maxTotalBytes` in all.
    public init(maxFileBytes: Int = 8 << 20, maxTotalBytes: Int = 64 << 20) {
        self.maxFileBytes = max(0, maxFileBytes)
        self.maxTotalBytes = max(0, maxTotalBytes)
    }

    /// `8 MiB`, `512 KiB` or `100 bytes`.
    static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}

/// The folder every include must stay inside: the root spec's folder unless an explicit
/// root is given. Paths are compared after normalisation (`.` and `..` collapsed) and, for
/// files on disk, again after resolving symbolic links.
struct IncludeRoot {
    /// The root as shown in notes: as given, or the root spec's folder (`.` for a bare file name).
    let shown: String
    /// Absolute and normalised, without resolving links.
    let absolute: String

    init(_ path: String) {
        shown = path
        absolute = IncludeRoot.absolute(path)
    }

    /// The folder of `file`: `specs` for `specs/shop.strata`, `.` for `shop.strata`, `/` for `/shop.strata`.
    static func folder(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// `path` made absolute against the working directory and normalised lexically.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return SpecLoader.normalize(path) }
        return SpecLoader.normalize(workingDirectory + "/" + path)
    }

    /// Whether the absolute, normalised `path` lies inside `root` (also absolute and normalised).
    /// A `..` left after normalisation climbs above `/` and is never inside.
    static func contains(_ path: String, in root: String) -> Bool {
        if path.split(separator: "/").contains("..") { return false }
        return root == "/" || path == root || path.hasPrefix(root + "/")
    }

    private static let workingDirectory: String = {
        guard let directory = getcwd(nil, 0) else { return "/" }
        defer { free(directory) }
        return String(cString: directory)
    }()
}

/// Reads spec files from disk without hanging, exhausting memory or leaving the include root:
/// only regular files are opened (checked before any byte is read), never more than one byte
/// past the size limit, and never from a kernel pseudo-file system such as `/proc`.
enum SpecFiles {
    /// `realpath(3)`: the absolute path of `path` with every symbolic link, `.` and `..` resolved.
    static func canonical(_ path: String) throws(SpecLoader.ReadError) -> String {
        guard let resolved = realpath(path, nil) else { throw SpecLoader.ReadError(errnoText()) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads the regular file at `path`, at most `limit` bytes (throws, refused as too large, past that).
    /// With `followLinks` false the last component must not be a symbolic link (the caller resolved it).
    static func readRegularFile(_ path: String, limit: Int, followLinks: Bool) throws(SpecLoader.ReadError) -> [UInt8] {
        if path.utf8.contains(0) {
            throw SpecLoader.ReadError("the path contains a NUL character", refusal: .invalidPath)
        }
        // Look before opening: opening a FIFO or a device can block or have side effects.
        var before = stat()
        let looked = followLinks ? stat(path, &before) : lstat(path, &before)
        guard looked == 0 else { throw SpecLoader.ReadError(errnoText()) }
        if let kind = nonRegularKind(before.st_mode) {
            throw SpecLoader.ReadError("it is \(kind), not a regular file", refusal: .notRegularFile)
        }

        var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        if !followLinks { flags |= O_NOFOLLOW }
        let fd = open(path, flags)
        guard fd >= 0 else { throw SpecLoader.ReadError(errnoText()) }
        defer { close(fd) }

        // What was opened is what was looked at, and still a regular file.
        var opened = stat()
        guard fstat(fd, &opened) == 0 else { throw SpecLoader.ReadError(errnoText()) }
        if let kind = nonRegularKind(opened.st_mode) {
            throw SpecLoader.ReadError("it is \(kind), not a regular file", refusal: .notRegularFile)
        }
        guard opened.st_dev == before.st_dev, opened.st_ino == before.st_ino else {
            throw SpecLoader.ReadError("the file changed while it was opened", refusal: .notRegularFile)
        }
        if let system = pseudoFileSystem(opened) {
            throw SpecLoader.ReadError("it is a file of the kernel's \(system) pseudo-file system, not a regular file", refusal: .notRegularFile)
        }
        return try readAtMost(fd, limit: limit, sizeHint: Int(opened.st_size))
    }

    /// Reads `fd` to its end or to `limit + 1` bytes, whichever comes first; more than `limit` throws.
    private static func readAtMost(_ fd: Int32, limit: Int, sizeHint: Int) throws(SpecLoader.ReadError) -> [UInt8] {
        let want = limit + 1
        var result: [UInt8] = []
        result.reserveCapacity(min(max(0, sizeHint), want))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while result.count < want {
            let asked = min(chunk.count, want - result.count)
            let count = chunk.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                Glibc.read(fd, buffer.baseAddress, asked)
                #else
                Darwin.read(fd, buffer.baseAddress, asked)
                #endif
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SpecLoader.ReadError(errnoText())
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        if result.count > limit {
            throw SpecLoader.ReadError("it is larger than \(SpecReadLimits.describe(limit))", refusal: .tooLarge)
        }
        return result
    }

    /// `a directory`, `a FIFO`, … for anything that is not a regular file; nil for a regular file.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }

    /// The name of the kernel pseudo-file system a file lies on (`proc`, `sysfs`, …), whose files
    /// claim to be regular but are generated on reading (the environment, kernel state); nil otherwise.
    private static func pseudoFileSystem(_ info: stat) -> String? {
        #if os(Linux)
        return pseudoFileSystemDevices[UInt64(info.st_dev)]
        #else
        return nil
        #endif
    }

    #if os(Linux)
    /// The devices of the mounted pseudo-file systems, from `/proc/self/mountinfo` (read once):
    /// each line holds `major:minor` as its third field and the file system type after ` - `.
    /// Without `/proc` mounted there is no procfs to refuse.
    private static let pseudoFileSystemDevices: [UInt64: String] = {
        let fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [:] }
        defer { close(fd) }
        guard let bytes = try? readAtMost(fd, limit: 16 << 20, sizeHint: 0) else { return [:] }
        var devices: [UInt64: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let type = String(fields[dash + 1])
            let numbers = fields[2].split(separator: ":").compactMap { UInt64($0) }
            guard pseudoFileSystemTypes.contains(type), numbers.count == 2 else { continue }
            devices[makeDevice(major: numbers[0], minor: numbers[1])] = type
        }
        return devices
    }()

    /// glibc's `makedev`: the `dev_t` of a major and minor device number.
    private static func makeDevice(major: UInt64, minor: UInt64) -> UInt64 {
        ((major & 0xFFFF_F000) << 32) | ((major & 0xFFF) << 8) | ((minor & 0xFFFF_FF00) << 12) | (minor & 0xFF)
    }
    #endif

    /// Linux pseudo-file systems: their files are generated by the kernel on reading.
    private static let pseudoFileSystemTypes: Set<String> = [
        "proc", "sysfs", "debugfs", "tracefs", "securityfs", "cgroup", "cgroup2", "bpf", "configfs", "efivarfs",
        "pstore", "fusectl", "devpts", "binfmt_misc", "mqueue", "rpc_pipefs", "nsfs", "selinuxfs",
    ]

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
