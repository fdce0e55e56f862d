extension CgroupFiles {
    /// Reads `directory/name` and parses it with one of the parsers above; nil when the
    /// file does not exist (a controller not enabled, an older kernel).
    static func read<Value>(
        _ name: String, in directory: String, files: any SystemFiles,
        _ parse: ([UInt8], String) throws(CollectorError) -> Value
    ) throws(CollectorError) -> Value? {
        let path = directory + "/" + name
        guard let bytes = try files.read(path) else { return nil }
        return try parse(bytes, files.describe(path))
    }

    /// Reads the values of `keys` from the flat-keyed file `directory/name`.
    static func read(_ name: String, in directory: String, files: any SystemFiles, keys: [StaticString]) throws(CollectorError) -> [Int64?]? {
        try read(name, in: directory, files: files) { (bytes, path) throws(CollectorError) in
            try values(bytes, keys: keys, path: path)
        }
    }
}
