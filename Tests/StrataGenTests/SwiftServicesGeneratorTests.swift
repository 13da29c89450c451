import Foundation
import StrataModel
import StrataRules
import Testing
import StrataAnalysis
import StrataDriver
@testable import StrataGen

/// The services generator on small specs: escaping of every spec value, names, collisions, steps.
@Suite struct SwiftServicesGeneratorTests {
    func generate(_ spec: String) throws -> [String: String] {
        let compilation = Compiler.compile(text: spec, path: "test.strata")
        let architecture = try #require(compilation.architecture, "\(compilation.diagnostics.map(\.message))")
        let input = GenerationInput(analyses: ArchitectureAnalyses(architecture), specPath: "test.strata", check: Checker.check(architecture),
                                    ruleDescriptors: Pipeline.ruleDescriptors, templates: .standard(overrideDirectory: nil))
        var files: [String: String] = [:]
        for artifact in try SwiftServicesGenerator().generate(input) {
            files[artifact.path] = String(decoding: artifact.contents, as: UTF8.self)
        }
        return files
    }

    func spec(services: String, style: String = "") -> String {
        """
        architecture t {
          \(style)
          topology {
            region r {
              city c {
                idc a { racks 1 }
                idc b { racks 1 }
              }
            }
          }
          sets {
            stripe idc
            failover nearest
          }
          gateway edge {
            engine envoy
            replicas 1 per set
            route "/" -> front
          }
        \(services)
        }
        """
    }

    @Test func stringLiteralsEscapeEverything() {
        #expect(SwiftSource.stringLiteral(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(SwiftSource.stringLiteral("x\ny\t\u{7}") == #""x\ny\t\u{7}""#)
        #expect(SwiftSource.stringLiteral(#"\(boom)"#) == #""\\(boom)""#)
        #expect(SwiftSource.stringLiteral("ünï") == "\"ünï\"")
        #expect(SwiftSource.comment("a\nb\u{2028}c") == "a b c")
        #expect(SwiftSource.identifier("default") == "`default`")
        #expect(SwiftSource.identifier("orders") == "orders")
        #expect(SwiftSource.number(15) == "15")
        #expect(SwiftSource.number(0.5) == "0.5")
    }

    @Test func pathsBecomeStringLiterals() throws {
        // Paths hold ASCII letters, digits, `/ - . _ ~` and `{name}` parameters (the compiler refuses the
        // rest: ValueSyntaxTests); they pass through a literal unchanged.
        let files = try generate(spec(services: #"""
            service front {
              replicas 1 per set
              endpoint get GET "/a~b/c.d_e-f/{id}/g" { work 1ms }
            }
            """#))
        let service = try #require(files["services/Sources/Services/Generated/FrontService.swift"])
        #expect(service.contains(#"path: "/a~b/c.d_e-f/{id}/g""#))
        let tests = try #require(files["services/Tests/ServicesTests/Generated/FrontServiceTests.swift"])
        #expect(tests.contains(#"uri: "/a~b/c.d_e-f/1/g""#))
    }

    @Test func keywordNamedServicesAndEndpointsGetSafeSwiftNames() throws {
        let files = try generate(spec(services: """
            service front {
              replicas 1 per set
              endpoint default GET "/x" { call protocol.import }
            }
            service protocol {
              replicas 1 per set
              endpoint import GET "/y" { read self-db }
            }
            store self-db { engine redis
              consistency eventual
              replicas 1 per set }
            """))
        let service = try #require(files["services/Sources/Services/Generated/ProtocolService.swift"])
        #expect(service.contains("func serveImport("))
        #expect(service.contains("func readSelfDb("))
        #expect(files["services/Sources/Services/ProtocolHandlers.swift"] != nil)
        let front = try #require(files["services/Sources/Services/Generated/FrontService.swift"])
        #expect(front.contains(#"service: "protocol", endpoint: "import""#))
    }

    @Test func parallelBlocksRunTheirBranchesInATaskGroup() throws {
        let files = try generate(spec(services: """
            service front {
              replicas 1 per set
              endpoint home GET "/home" {
                parallel {
                  call back.a timeout 50ms retries 2
                  call back.b optional
                  call back.c async
                }
              }
            }
            service back {
              replicas 1 per set
              endpoint a GET "/a" { work 1ms }
              endpoint b GET "/b" { work 1ms }
              endpoint c POST "/c" { work 1ms }
            }
            """))
        let front = try #require(files["services/Sources/Services/Generated/FrontService.swift"])
        #expect(front.contains("try answer.add(await runtime.parallel(["))
        #expect(front.contains("timeout: .milliseconds(50), retries: 2, optional: false, isAsync: false"))
        #expect(front.contains("optional: true, isAsync: false"))
        #expect(front.contains("optional: false, isAsync: true"))
        let tests = try #require(files["services/Tests/ServicesTests/Generated/FrontServiceTests.swift"])
        #expect(tests.contains(#"["back.a", "back.b", "back.c"]"#))
    }

    @Test func headEndpointsAreTestedWithoutABody() throws {
        let files = try generate(spec(services: """
            service front {
              replicas 1 per set
              endpoint probe HEAD "/probe" { work 1ms }
            }
            """))
        let tests = try #require(files["services/Tests/ServicesTests/Generated/FrontServiceTests.swift"])
        #expect(tests.contains("method: .head"))
        #expect(tests.contains("x-strata-instance"))
        #expect(!tests.contains("let answer = try decode(response.body)"))
    }

    @Test func namesThatCollideInSwiftAreRejected() throws {
        #expect(throws: GenerationError.self) {
            _ = try generate(spec(services: """
                service front { replicas 1 per set
                  endpoint a-b GET "/1" { work 1ms }
                  endpoint a--b GET "/2" { work 1ms } }
                """))
        }
    }

    @Test func failoverOrderIsNearestFirstAndForwardedHeadersComeFromTheSpec() throws {
        let files = try generate(spec(services: """
            service front { replicas 1 per set
              key "x-tenant"
              endpoint a GET "/a" { work 1ms } }
            """))
        let catalog = try #require(files["services/Sources/Services/Generated/ServiceCatalog.swift"])
        #expect(catalog.contains(#""a": ["b"],"#))
        #expect(catalog.contains(#"forwardedHeaders: ["x-tenant"]"#))
        #expect(catalog.contains(#"PeerInstance(host: "127.0.0.1", port: 20000, set: "a", instance: "front-a-1")"#))
    }
}
