import Foundation
public import HeadroomCore

extension Secret {
    /// The value. A file that cannot be read is a permanent delivery error that names the
    /// file (its path is not secret) and never its content.
    public func reveal() throws(DeliveryError) -> String {
        switch source {
        case .value(let value):
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path), String(data: data, encoding: .utf8) != nil else {
                throw .permanent("cannot read the secret file \(path): check that it exists and that headroom may read it")
            }
            return Secret.value(ofFile: Array(data))
        }
    }
}
