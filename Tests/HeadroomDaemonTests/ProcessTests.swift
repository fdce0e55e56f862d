import Foundation
import Testing

/// Every suite that starts real `headroom` processes runs inside this one, one test at a
/// time: two daemons must not compete for the same two cores, and a CPU-load test must not
/// overlap another daemon's run.
@Suite("Real processes", .serialized)
struct ProcessTests {}
