import LeakLintCore
import LeakLintCpp
import LeakLintGo
import LeakLintJava
import LeakLintSwift

/// The front ends the scanner dispatches to, by file extension.
public enum FrontEnds {
    public static let all: [any FrontEnd] = [GoFrontEnd(), JavaFrontEnd(), SwiftFrontEnd(), CppFrontEnd()]

    /// The front end for a path, by its extension; nil for files leaklint does not read.
    public static func forPath(_ path: String) -> (any FrontEnd)? {
        let ext = PathText.fileExtension(of: path)
        return byExtension[ext]
    }

    static let byExtension: [String: any FrontEnd] = {
        var m: [String: any FrontEnd] = [:]
        for fe in all { for e in fe.extensions { m[e] = fe } }
        return m
    }()
}
