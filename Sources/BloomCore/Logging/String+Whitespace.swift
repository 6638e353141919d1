extension StringProtocol {
    /// The text without leading and trailing whitespace or newlines.
    ///
    /// Written on the standard library so the logging files need no Foundation import for it.
    func trimmingWhitespace() -> String {
        guard let first = self.firstIndex(where: { !$0.isWhitespace }),
            let last = self.lastIndex(where: { !$0.isWhitespace })
        else {
            return ""
        }
        return String(self[first...last])
    }
}
