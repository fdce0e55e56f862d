public import HeadroomCore

/// Parser of a PSI file (`/proc/pressure/memory`, `memory.pressure`):
/// `some avg10=0.12 avg60=0.05 avg300=0.01 total=12345` and the same for `full`.
public enum PressureStall {
    /// `pressure_avg{10,60,300}_percent` gauges and `pressure_stall_seconds_total` per line,
    /// labelled with `kind` (some/full) on top of `labels`.
    public static func parse(_ bytes: [UInt8], labels: Labels, path: String) throws(CollectorError) -> [Sample] {
        var samples: [Sample] = []
        samples.reserveCapacity(8)
        let someLabels = labels.adding("kind", "some"), fullLabels = labels.adding("kind", "full")
        var scanner = ByteScanner(bytes)
        var lineNumber = 0
        while !scanner.atEnd {
            lineNumber += 1
            guard let kindRange = scanner.word() else { scanner.skipLine(); continue }
            let kind: String
            if scanner.equals(kindRange, "some") { kind = "some" }
            else if scanner.equals(kindRange, "full") { kind = "full" }
            else { throw .failed("\(path): line \(lineNumber): expected \"some\" or \"full\", got \"\(scanner.string(kindRange).prefix(40))\"") }
            let lineLabels = kind == "some" ? someLabels : fullLabels
            var found = 0
            while let field = scanner.word() {
                guard let equals = scanner.bytes[field].firstIndex(of: 0x3D) else {
                    throw .failed("\(path): line \(lineNumber): \"\(scanner.string(field).prefix(40))\" is not key=value")
                }
                let key = field.lowerBound..<equals
                let value = (equals + 1)..<field.upperBound
                if scanner.equals(key, "total") {
                    guard let micros = scanner.unsigned(value) else { throw .failed("\(path): line \(lineNumber): bad total") }
                    samples.append(Sample("pressure_stall_seconds_total", lineLabels, Double(micros) / 1e6, kind: .counter))
                    found += 1
                } else {
                    let name: String
                    if scanner.equals(key, "avg10") { name = "pressure_avg10_percent" }
                    else if scanner.equals(key, "avg60") { name = "pressure_avg60_percent" }
                    else if scanner.equals(key, "avg300") { name = "pressure_avg300_percent" }
                    else { continue }
                    guard let percent = scanner.decimal(value) else {
                        throw .failed("\(path): line \(lineNumber): \(scanner.string(key)) is not a number")
                    }
                    samples.append(Sample(name, lineLabels, percent))
                    found += 1
                }
            }
            if found < 4 { throw .failed("\(path): line \(lineNumber) has \(found) of avg10, avg60, avg300, total (truncated?)") }
            scanner.skipLine()
        }
        if samples.isEmpty { throw .failed("\(path): empty pressure file") }
        return samples
    }
}
