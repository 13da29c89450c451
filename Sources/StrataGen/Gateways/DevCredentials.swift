import Foundation

/// Development credentials wired into generated gateways so that local runs work out of the box.
///
/// They are public (documented in docs/gateways.md and in every file that uses them) and
/// therefore worthless as secrets: replace them before any real deployment.
enum DevCredentials {
    /// `auth api-key`: the value the `x-api-key` header must carry.
    static let apiKeyHeader = "x-api-key"
    static let apiKey = "strata-dev-api-key"

    /// `auth jwt`: issuer and key id of the development HS256 key.
    static let jwtIssuer = "strata-dev"
    static let jwtKeyID = "strata-dev"
    /// The HS256 secret (`strata-dev-hs256-secret-replace-me-before-deploying`), base64url-encoded as in a JWK.
    static let jwtSecretBase64URL = "c3RyYXRhLWRldi1oczI1Ni1zZWNyZXQtcmVwbGFjZS1tZS1iZWZvcmUtZGVwbG95aW5n"

    /// The JWK of the development key.
    static let jwk: [String: String] = ["kty": "oct", "kid": jwtKeyID, "alg": "HS256", "use": "sig", "k": jwtSecretBase64URL]

    /// The JWKS holding the development key: compact JSON with sorted keys. With a `note`, the JWKS also
    /// carries a `strata` member saying what it is (JWKS readers ignore members they do not know).
    static func jwks(note: String? = nil, pretty: Bool = false) -> String {
        var object: [String: Any] = ["keys": [jwk]]
        if let note { object["strata"] = note }
        let options: JSONSerialization.WritingOptions = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        // Strings and arrays of string dictionaries always serialise.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: options)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// A token signed with the development key: header `{"alg":"HS256","kid":"strata-dev","typ":"JWT"}`,
    /// claims `{"iss":"strata-dev","sub":"strata-dev-user"}`, no expiry. Send it as `Authorization: Bearer <token>`.
    static let jwtToken = "eyJhbGciOiJIUzI1NiIsImtpZCI6InN0cmF0YS1kZXYiLCJ0eXAiOiJKV1QifQ"
        + ".eyJpc3MiOiJzdHJhdGEtZGV2Iiwic3ViIjoic3RyYXRhLWRldi11c2VyIn0"
        + ".vyX35b88inSi3i60SAgkIaM2EPEDW-ZlIUutYqbIg2A"
}
