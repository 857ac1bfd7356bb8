import Foundation
import HTTP1

/// Works out the original client of a request for logs.
///
/// Only a peer listed as a trusted proxy may speak for the client: otherwise anyone could
/// write any address into `X-Forwarded-For`. With a trusted peer, the right-most address that
/// is not itself a trusted proxy wins (RFC 7239 §5.2 for `Forwarded`).
public struct ClientAddressResolver: Sendable {
    public var trustedProxies: Set<String>

    public init(trustedProxies: Set<String> = []) {
        self.trustedProxies = trustedProxies
    }

    public func clientAddress(peer: String, headers: HTTPHeaders) -> String {
        guard trustedProxies.contains(peer) else { return peer }
        var chain: [String] = []
        let forwarded = headers.values(for: "Forwarded")
        if !forwarded.isEmpty {
            for element in forwarded.joined(separator: ",").split(separator: ",") {
                for pair in element.split(separator: ";") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "for" else { continue }
                    var value = kv[1].trimmingCharacters(in: .whitespaces)
                    value = value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if value.hasPrefix("["), let end = value.firstIndex(of: "]") {
                        value = String(value[value.index(after: value.startIndex)..<end])
                    }
                    chain.append(value)
                }
            }
        } else {
            chain = headers.values(for: "X-Forwarded-For").joined(separator: ",")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        for address in chain.reversed() where !address.isEmpty && !trustedProxies.contains(address) {
            return address
        }
        return peer
    }
}
