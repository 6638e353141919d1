/// A minimal binary min-heap: `pop()` returns the smallest element by `<`.
struct BinaryHeap<Element: Comparable> {
    private var storage: [Element] = []

    var isEmpty: Bool { self.storage.isEmpty }

    mutating func removeAll() {
        self.storage.removeAll(keepingCapacity: true)
    }

    mutating func push(_ element: Element) {
        self.storage.append(element)
        var child = self.storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.storage[child] < self.storage[parent] else { break }
            self.storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !self.storage.isEmpty else { return nil }
        self.storage.swapAt(0, self.storage.count - 1)
        let top = self.storage.removeLast()
        var parent = 0
        let count = self.storage.count
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < count, self.storage[left] < self.storage[smallest] { smallest = left }
            if right < count, self.storage[right] < self.storage[smallest] { smallest = right }
            if smallest == parent { break }
            self.storage.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
