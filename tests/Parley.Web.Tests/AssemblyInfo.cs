// One test at a time: each class has its own Chromium, and a 2-core machine running several
// browsers and servers at once turns timing margins into flaky failures.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
