extension SampleChunk {
    /// A chunk's samples, decoded from its bytes (either form); nil when they are not a chunk
    /// (truncated, damaged, or a count the sections do not hold). Never traps on any input.
    public static func decode(_ bytes: [UInt8]) -> [(time: Int64, value: Double)]? {
        guard bytes.count >= 7 else { return nil }
        guard checksumMatches(bytes) else { return nil }
        let end = bytes.count - 4
        let count = Int(bytes[1]) << 8 | Int(bytes[2])
        var offset = 3
        let decodedTimes: [Int64]
        let decodedValues: [Double]
        switch bytes[0] {
        case 1:
            guard let length = readVarint(bytes, &offset, end: end), length <= UInt64(end - offset) else { return nil }
            let timeEnd = offset + Int(length)
            var timeReader = BitReader(bytes, bytes: offset..<timeEnd)
            var valueReader = BitReader(bytes, bytes: timeEnd..<end)
            guard let read = decodeTimes(&timeReader, count: count), let readValues = decodeValues(&valueReader, count: count) else { return nil }
            decodedTimes = read
            decodedValues = readValues
        case 2:
            guard offset < end else { return nil }
            let timeKind = bytes[offset]
            offset += 1
            switch timeKind {
            case 0:
                guard let first = readVarint(bytes, &offset, end: end), let delta = readVarint(bytes, &offset, end: end) else { return nil }
                var time = unzigzag(first)
                let step = unzigzag(delta)
                var read: [Int64] = []
                read.reserveCapacity(count)
                for _ in 0..<count {
                    read.append(time)
                    time &+= step
                }
                decodedTimes = read
            case 1:
                guard let length = readVarint(bytes, &offset, end: end), length <= UInt64(end - offset) else { return nil }
                var reader = BitReader(bytes, bytes: offset..<offset + Int(length))
                offset += Int(length)
                guard let read = decodeTimes(&reader, count: count) else { return nil }
                decodedTimes = read
            default: return nil
            }
            guard offset < end else { return nil }
            let valueKind = bytes[offset]
            offset += 1
            switch valueKind {
            case 0:
                var reader = BitReader(bytes, bytes: offset..<end)
                guard let read = decodeValues(&reader, count: count) else { return nil }
                decodedValues = read
            case 1:
                guard let read = decodePacked(bytes, offset: offset, end: end, count: count) else { return nil }
                decodedValues = read
            default: return nil
            }
        default: return nil
        }
        var samples: [(time: Int64, value: Double)] = []
        samples.reserveCapacity(count)
        for index in 0..<count { samples.append((decodedTimes[index], decodedValues[index])) }
        return samples
    }

    private static func decodeTimes(_ reader: inout BitReader, count: Int) -> [Int64]? {
        var out: [Int64] = []
        out.reserveCapacity(count)
        var time: Int64 = 0
        var delta: Int64 = 0
        for index in 0..<count {
            if index == 0 {
                guard let first = reader.read(bits: 64) else { return nil }
                time = Int64(bitPattern: first)
            } else {
                guard let dod = readDeltaOfDelta(&reader) else { return nil }
                delta = index == 1 ? dod : delta &+ dod
                time &+= delta
            }
            out.append(time)
        }
        return out
    }

    private static func readDeltaOfDelta(_ reader: inout BitReader) -> Int64? {
        var ones = 0
        while ones < 4 {
            guard let bit = reader.readBit() else { return nil }
            if !bit { break }
            ones += 1
        }
        let width = ones == 0 ? 0 : ones == 4 ? 64 : buckets[ones - 1].bits
        guard width > 0 else { return 0 }
        guard let raw = reader.read(bits: width) else { return nil }
        // Sign-extend from `width` bits.
        let shift = UInt64(64 - width)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    static func decodeValues(_ reader: inout BitReader, count: Int) -> [Double]? {
        var out: [Double] = []
        out.reserveCapacity(count)
        var bits: UInt64 = 0
        var decimals = -1
        var mantissa: Int64 = 0
        var shift = -1
        var width = 0
        for index in 0..<count {
            guard let changed = reader.readBit() else { return nil }
            if !changed {
                guard index > 0 else { return nil }
                out.append(Double(bitPattern: bits))
                continue
            }
            guard let second = reader.readBit() else { return nil }
            if !second || reader.readBit() == false {
                guard decimals >= 0 else { return nil }
                if second {
                    // `110`: a new window.
                    guard let newShift = reader.read(bits: 6), let newWidth = reader.read(bits: 6) else { return nil }
                    shift = Int(newShift)
                    width = newWidth == 0 ? 64 : Int(newWidth)
                }
                guard shift >= 0, let zigzag = reader.read(bits: width) else { return nil }
                mantissa &+= unzigzag(zigzag) &<< Int64(shift)
                bits = (Double(mantissa) / powers[decimals]).bitPattern
            } else {
                guard let fourth = reader.readBit() else { return nil }
                if fourth {
                    guard let raw = reader.read(bits: 64) else { return nil }
                    bits = raw
                    decimals = -1
                } else {
                    guard let places = reader.read(bits: 4), places <= UInt64(maximumDecimals), let size = reader.read(bits: 6),
                        let zigzag = reader.read(bits: Int(size))
                    else { return nil }
                    decimals = Int(places)
                    mantissa = unzigzag(zigzag)
                    bits = (Double(mantissa) / powers[decimals]).bitPattern
                }
            }
            out.append(Double(bitPattern: bits))
        }
        return out
    }

    private static func decodePacked(_ bytes: [UInt8], offset start: Int, end: Int, count: Int) -> [Double]? {
        var offset = start
        guard offset < end else { return nil }
        let places = Int(bytes[offset])
        offset += 1
        guard places <= maximumDecimals, let lowZigzag = readVarint(bytes, &offset, end: end), offset < end else { return nil }
        let width = Int(bytes[offset])
        offset += 1
        guard width <= 64 else { return nil }
        let low = unzigzag(lowZigzag)
        var reader = BitReader(bytes, bytes: offset..<end)
        var out: [Double] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            guard let raw = reader.read(bits: width) else { return nil }
            out.append(Double(low &+ Int64(bitPattern: raw)) / powers[places])
        }
        return out
    }

    static func readVarint(_ bytes: [UInt8], _ offset: inout Int, end: Int) -> UInt64? {
        Varint.read(bytes, &offset, end: end)
    }

    /// Rebuilds an open chunk from its bytes (either form), to append to again; nil when
    /// they do not decode or hold more than a chunk's capacity.
    public init?(restoring bytes: [UInt8]) {
        guard let samples = Self.decode(bytes) else { return nil }
        self.init()
        for sample in samples {
            guard count == 0 || sample.time >= (lastTimestamp ?? .min) else { return nil }
            append(time: sample.time, value: sample.value)
        }
    }
}
