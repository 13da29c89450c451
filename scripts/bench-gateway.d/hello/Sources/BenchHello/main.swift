// Answers "hello" on GET /api/users/{id} and 200 on /health (Envoy's health checks); nothing else.
import Foundation
import Hummingbird

let port = Int(ProcessInfo.processInfo.environment["PORT"] ?? "") ?? 21900
let router = Router()
router.get("/health") { _, _ in "ok" }
router.get("/api/users/{id}") { _, _ in "hello" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
