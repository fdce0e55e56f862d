import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

@Suite("Sound channel")
struct SoundTests {
    @Test("the generated tone is a valid WAV that Python's wave module reads; more beeps for higher severity")
    func wav() throws {
        let critical = SoundTone.wav(severity: .critical, resolved: false)
        let info = SoundTone.wav(severity: .info, resolved: false)
        #expect(Array(critical.prefix(4)) == Array("RIFF".utf8))
        #expect(critical.count > info.count * 2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tone-\(UUID().uuidString).wav").path
        try Data(critical).write(to: URL(fileURLWithPath: path))
        let (_, output) = try Subprocess.run([
            "/usr/bin/env", "python3", "-c",
            "import wave, sys; w = wave.open(sys.argv[1]); print(w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes())", path,
        ])
        let text = String(decoding: output, as: UTF8.self)
        #expect(text == "22050 1 2 \((critical.count - 44) / 2)\n")
    }

    @Test("paplay first, then aplay, found on PATH; bell only when asked")
    func player() {
        let present: Set<String> = ["/usr/bin/aplay", "/opt/bin/paplay"]
        #expect(SoundNotifier.player(.auto, searchPath: "/usr/bin:/opt/bin", exists: present.contains) == "/opt/bin/paplay")
        #expect(SoundNotifier.player(.aplay, searchPath: "/usr/bin:/opt/bin", exists: present.contains) == "/usr/bin/aplay")
        #expect(SoundNotifier.player(.auto, searchPath: "/usr/bin", exists: present.contains) == "/usr/bin/aplay")
        #expect(SoundNotifier.player(.bell, searchPath: "/usr/bin:/opt/bin", exists: present.contains) == nil)
    }

    @Test("plays the tone with the player it finds (a real process standing in for paplay)")
    func plays() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sound-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let copy = directory + "/played.wav"
        try "#!/bin/sh\ncp \"$1\" \"\(copy)\"\n".write(toFile: directory + "/paplay", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + "/paplay")
        let sound = SoundNotifier(channel: "sound", configuration: SoundConfiguration(), environment: ["PATH": directory], terminal: { false })
        try await sound.deliver(sampleNotification(severity: .critical))
        #expect(FileManager.default.contents(atPath: copy).map(Array.init) == SoundTone.wav(severity: .critical, resolved: false))
        #expect(!sound.reportedSilence)
    }

    @Test("with no player and no terminal it stays silent, does not fail, and says so once")
    func silent() async throws {
        let sound = SoundNotifier(channel: "sound", configuration: SoundConfiguration(), environment: ["PATH": "/nonexistent"], terminal: { false })
        try await sound.deliver(sampleNotification())
        #expect(sound.reportedSilence)
        try await sound.deliver(sampleNotification())
    }
}
