import StrataDiagnostics
import StrataDriver
import StrataModel
import StrataRules
import StrataSyntax

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// strata-bench: `strata check` throughput on generated specs, by stage:
// lex+parse (SpecLoader), resolve and place (Compiler), rules (Checker).
//
//   strata-bench [N ...] [--runs R]     benchmark N services (default: 1000 10000)
//   strata-bench --emit N FILE          write the generated N-service spec to FILE
//   strata-bench --build N [--runs R]   generation time of every `strata build` target (BuildBenchmark.swift)
//
// Each size runs in a fresh child process so that its peak RSS is its own.
// Aims (from the issue): ≥ 50 MB/s of spec text; 10,000 services in < 1 s and < 300 MB.

let usage = """
    usage: strata-bench [N ...] [--runs R]
           strata-bench --emit N FILE
           strata-bench --build N [--runs R]
    """

/// The aims the front end is measured against.
enum Aims {
    static let megabytesPerSecond = 50.0
    static let largeSpecServices = 10_000
    static let largeSpecSeconds = 1.0
    static let largeSpecRSSMegabytes = 300.0
}

/// How long a size may take.
enum Limits {
    /// A first run at least this slow is counted rather than thrown away as warm-up.
    static let slowRunSeconds = 2.0
    /// Timed runs stop after this much time (at least one run is always timed).
    static let timedSeconds = 20.0
}

/// Timings of one run, in seconds.
struct RunTimes {
    var load: Double
    var resolve: Double
    var rules: Double
    /// Lex, parse and resolve: the front end.
    var frontEnd: Double { load + resolve }
    /// Everything `strata check` does except reading the file and printing.
    var total: Double { load + resolve + rules }
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

/// Peak resident set size of this process, in megabytes.
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576  // bytes on macOS
    #else
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    #endif
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

func fixed(_ x: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let r = (x * scale).rounded() / scale
    var text = "\(Int(r))"
    if decimals > 0 {
        let frac = Int(((abs(r) - Double(Int(abs(r)))) * scale).rounded())
        let digits = "\(frac)"
        text += "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
    return text
}

/// Table layout shared by the parent (header) and the children (rows).
enum Table {
    static let columns: [(String, Int)] = [
        ("services", 8), ("spec bytes", 10), ("runs", 4), ("lex+parse ms", 17), ("resolve ms", 17), ("rules ms", 19), ("total ms", 19),
        ("front MB/s", 10), ("services/s", 10), ("peak RSS MB", 11), ("err/warn", 8), ("aims", 0),
    ]

    static func row(_ cells: [String]) -> String {
        zip(columns, cells).map { column, cell in column.1 == 0 ? cell : pad(cell, max(column.1, column.0.count)) }
            .joined(separator: "  ")
    }

    static var header: String { row(columns.map(\.0)) }
    static var rule: String { String(repeating: "-", count: header.count + 10) }
}

/// Benchmarks one size in this process and prints its table row.
func benchmark(services: Int, runs: Int) -> Int32 {
    let text = SpecGenerator(services: services).generate()
    let bytes = Array(text.utf8)
    let path = "bench-\(services).strata"
    let reader: FileReader = { _ in bytes }
    let clock = ContinuousClock()

    var times: [RunTimes] = []
    var findings: [Diagnostic] = []
    var sources = SourceManager()
    var spent = 0.0
    var run = 0
    // The first run warms up and is not counted, unless it is slow (≥ 2 s): then
    // it counts, and timed runs stop once they have used Limits.timedSeconds.
    while times.count < runs && (times.isEmpty || spent < Limits.timedSeconds) {
        var loaded: LoadedSpec?
        let load = clock.measure { loaded = try? SpecLoader.load(path: path, read: reader) }
        guard let spec = loaded else {
            print("strata-bench: cannot load the generated spec")
            return 1
        }
        var compilation: Compilation?
        let resolve = clock.measure { compilation = Compiler.compile(spec) }
        var checked: CheckedSpec?
        let rules = clock.measure { checked = Pipeline.check(compilation!) }
        let t = RunTimes(load: seconds(load), resolve: seconds(resolve), rules: seconds(rules))
        if run > 0 || t.total >= Limits.slowRunSeconds {
            times.append(t)
            spent += t.total
        }
        if run == 0, let checked {
            findings = checked.diagnostics.filter { $0.severity >= .warning && $0.suppression == nil }
            sources = checked.compilation.sources
        }
        run += 1
    }
    let rss = peakRSSMegabytes()

    let load = times.map(\.load), resolve = times.map(\.resolve), rules = times.map(\.rules), total = times.map(\.total)
    let megabytes = Double(bytes.count) / 1_000_000
    let throughput = megabytes / median(times.map(\.frontEnd))
    let errors = findings.filter { $0.severity == .error }
    var missed: [String] = []
    if throughput < Aims.megabytesPerSecond { missed.append("front end < \(Int(Aims.megabytesPerSecond)) MB/s") }
    if services >= Aims.largeSpecServices {
        if median(total) >= Aims.largeSpecSeconds { missed.append("total ≥ \(Int(Aims.largeSpecSeconds * 1000)) ms") }
        if rss >= Aims.largeSpecRSSMegabytes { missed.append("RSS ≥ \(Int(Aims.largeSpecRSSMegabytes)) MB") }
    }
    func ms(_ xs: [Double]) -> String { "\(fixed(median(xs) * 1000, 1)) / \(fixed(xs.min()! * 1000, 1))" }
    print(Table.row([
        "\(services)", "\(bytes.count)", "\(times.count)", ms(load), ms(resolve), ms(rules), ms(total),
        fixed(throughput, 1), "\(Int(Double(services) / median(total)))", fixed(rss, 1),
        "\(errors.count)/\(findings.count - errors.count)", missed.isEmpty ? "met" : "MISSED: " + missed.joined(separator: ", "),
    ]))
    if !findings.isEmpty {
        // The generated spec should check cleanly; show what the compiler or the rules object to.
        var shown: [Diagnostic] = []
        for d in errors + findings where !shown.contains(where: { $0.id == d.id }) && shown.count < 4 { shown.append(d) }
        for line in TextRenderer(sources: sources, color: false).render(shown).split(separator: "\n") {
            print("    " + line)
        }
    }
    fflush(nil)  // all output streams (stdout itself is not concurrency-safe to name)
    return 0
}

/// Runs `strata-bench --one N --runs R` as a child process (fresh heap, own peak RSS).
func runChild(services: Int, runs: Int) -> Int32 {
    #if os(Linux)
    let executable = "/proc/self/exe"
    #else
    let executable = CommandLine.arguments[0]
    #endif
    let arguments = [executable, "--one", "\(services)", "--runs", "\(runs)"]
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, executable, nil, nil, &argv, environ)
    guard spawned == 0 else {
        print("strata-bench: cannot start a child process: \(String(cString: strerror(spawned)))")
        return 1
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    // Exited normally with status 0: WIFEXITED && WEXITSTATUS == 0.
    return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 1
}

func emit(services: Int, to file: String) -> Int32 {
    let text = SpecGenerator(services: services).generate()
    guard let handle = fopen(file, "wb") else {
        print("strata-bench: cannot write \(file): \(String(cString: strerror(errno)))")
        return 2
    }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
    fclose(handle)
    guard written == bytes.count else {
        print("strata-bench: short write to \(file)")
        return 2
    }
    print("wrote \(file): \(services) services, \(bytes.count) bytes")
    return 0
}

/// Parses the command line and runs.
func run(_ arguments: [String]) -> Int32 {
    var sizes: [Int] = []
    var runs: Int?
    var one: Int?
    var build: Int?
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--emit":
            guard rest.count == 2, let n = Int(rest.first!), n > 0 else { print(usage); return 2 }
            return emit(services: n, to: rest.last!)
        case "--runs":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { print(usage); return 2 }
            runs = value
        case "--build":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { print(usage); return 2 }
            build = value
        case "--one":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { print(usage); return 2 }
            one = value
        case "-h", "--help":
            print(usage)
            return 0
        default:
            guard let n = Int(argument.filter { $0 != "," && $0 != "_" }), n > 0 else {
                print(usage)
                return 2
            }
            sizes.append(n)
        }
    }
    if let build { return BuildBenchmark.run(services: build, runs: runs ?? 3) }
    if let one { return benchmark(services: one, runs: runs ?? 5) }
    if sizes.isEmpty { sizes = [1_000, 10_000] }

    print("strata-bench: generated specs; times are median / min of the timed runs after one warm-up (a first run ≥ \(Int(Limits.slowRunSeconds)) s counts; runs stop after \(Int(Limits.timedSeconds)) s); each size in its own process")
    print("  front MB/s = spec bytes / (lex+parse + resolve); total and services/s include the rules (all of `strata check` but I/O and printing)")
    print(Table.header)
    print(Table.rule)
    fflush(nil)  // all output streams (stdout itself is not concurrency-safe to name)
    var status: Int32 = 0
    for n in sizes {
        // Enough runs for a stable median without making the large sizes slow.
        let r = runs ?? (n <= 2_000 ? 9 : n <= 20_000 ? 5 : 3)
        let s = runChild(services: n, runs: r)
        if s != 0 { status = s }
    }
    print("aims: front end ≥ \(Int(Aims.megabytesPerSecond)) MB/s; \(Aims.largeSpecServices) services checked in < \(Int(Aims.largeSpecSeconds * 1000)) ms total and < \(Int(Aims.largeSpecRSSMegabytes)) MB peak RSS")
    return status
}

exit(run(Array(CommandLine.arguments.dropFirst())))
