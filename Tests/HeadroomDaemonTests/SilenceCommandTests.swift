import Foundation
import Testing
import HeadroomTesting

extension ProcessTests {
    @Suite("Silence command")
    struct SilenceCommandTests {
        @Test("add prints an id, list shows it with its matchers, expire ends it; bad matchers exit 2")
        func lifecycle() async throws {
            let directory = try TemporaryDirectory()
            let environment = ["HEADROOM_STATE_DIR": directory.path("state")]
            let (added, id, _) = try await HeadroomProcess.run(
                [
                    "silence", "add", "alertname=gpu_memory_high", "gpu=~0|1", "--duration", "2h",
                    "--comment", "model reload",
                ], environment: environment)
            #expect(added == 0)
            let silence = id.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(silence.count == 8)
            #expect(FileManager.default.fileExists(atPath: directory.path("state/silences.json")))
            let (listed, list, _) = try await HeadroomProcess.run(["silence", "list"], environment: environment)
            #expect(listed == 0)
            #expect(list.contains("\(silence)  alertname=gpu_memory_high gpu=~0|1  ends "))
            #expect(list.contains("# model reload"))
            let (expired, _, _) = try await HeadroomProcess.run(["silence", "expire", silence], environment: environment)
            #expect(expired == 0)
            #expect(try await HeadroomProcess.run(["silence", "list"], environment: environment).1 == "no active silences\n")
            let (again, _, error) = try await HeadroomProcess.run(["silence", "expire", silence], environment: environment)
            #expect(again == 1)
            #expect(error.contains("no active silence \(silence)"))
            let (bad, _, badError) = try await HeadroomProcess.run(["silence", "add", "gpu"], environment: environment)
            #expect(bad == 2)
            #expect(badError.contains("expected NAME=VALUE"))
        }
    }
}
