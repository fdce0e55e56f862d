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

        @Test("a state directory whose disk does not answer ends list and add after 10 s with one line naming state_dir, exit 1")
        func hungStateDirectory() async throws {
            let directory = try TemporaryDirectory()
            let state = directory.path("state")
            // Opening it blocks like a hard network mount whose server went away.
            try HangingFile.make(at: state + "/silences.json")
            let environment = ["HEADROOM_STATE_DIR": state]
            let began = ContinuousClock.now
            async let list = HeadroomProcess.run(["silence", "list"], environment: environment)
            async let add = HeadroomProcess.run(["silence", "add", "alertname=cpu_overload"], environment: environment)
            let (listed, listOutput, listError) = try await list
            let (added, addOutput, addError) = try await add
            #expect(ContinuousClock.now - began >= .seconds(10))
            let line = { (what: String) in
                "headroom: the state directory \(state) (state_dir, HEADROOM_STATE_DIR) does not answer: \(what) \(state)/silences.json has not finished in 10s; check the disk or the network mount it is on, or set state_dir to a directory on a local disk\n"
            }
            #expect(listed == 1)
            #expect(listOutput.isEmpty)
            #expect(listError == line("reading"))
            #expect(added == 1)
            #expect(addOutput.isEmpty, "no id printed for a silence not stored")
            #expect(addError == line("changing"))
        }
    }
}
