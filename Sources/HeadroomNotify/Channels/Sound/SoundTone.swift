import Foundation
public import HeadroomCore

/// The alert tone as a WAV file (pure): 16-bit mono PCM at 22,050 Hz, one to three
/// two-tone beeps by severity (a falling pair when resolved), with short fades so it
/// does not click.
public enum SoundTone {
    public static let sampleRate = 22_050

    public static func wav(severity: Severity, resolved: Bool) -> [UInt8] {
        let beeps = resolved ? 1 : (severity == .critical ? 3 : severity == .warning ? 2 : 1)
        let pair: (Double, Double) = resolved ? (660, 440) : (880, 1175)
        var samples: [Int16] = []
        for _ in 0..<beeps {
            samples += tone(pair.0, seconds: 0.12) + tone(pair.1, seconds: 0.12) + silence(seconds: 0.08)
        }
        return header(sampleCount: samples.count) + samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    static func tone(_ frequency: Double, seconds: Double) -> [Int16] {
        let count = Int(seconds * Double(sampleRate))
        let fade = Int(0.01 * Double(sampleRate))
        return (0..<count).map { index in
            let envelope = min(1, Double(min(index, count - 1 - index)) / Double(fade))
            return Int16(sin(2 * .pi * frequency * Double(index) / Double(sampleRate)) * 0.4 * envelope * Double(Int16.max))
        }
    }

    static func silence(seconds: Double) -> [Int16] { Array(repeating: 0, count: Int(seconds * Double(sampleRate))) }

    /// The 44-byte RIFF/WAVE header.
    static func header(sampleCount: Int) -> [UInt8] {
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        func le16(_ value: Int) -> [UInt8] { (0..<2).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        let dataSize = sampleCount * 2
        return Array("RIFF".utf8) + le32(36 + dataSize) + Array("WAVE".utf8)
            + Array("fmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(sampleRate) + le32(sampleRate * 2) + le16(2) + le16(16)
            + Array("data".utf8) + le32(dataSize)
    }
}
