// Every test starts its own gateway and in-process silo and drives a browser against it; two at once would make the
// timings the tests assert (an event on screen within a second) depend on how busy the machine is.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
