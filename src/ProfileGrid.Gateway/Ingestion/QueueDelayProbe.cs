namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// Measures how late the thread pool starts new work, for <see cref="BulkAdmission"/>: while bulk requests come, about
/// every millisecond it queues a work item at the back of the pool's global queue (where a new
/// request's work goes) and reports when it starts. It runs on a thread of its own, since a timer's callback would
/// itself wait in that queue; a second after the last bulk request it goes idle, and looks again every 10 ms.
/// </summary>
internal sealed class QueueDelayProbe(BulkAdmission admission) : IHostedService, IDisposable
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromMilliseconds(10);
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _thread;
    private int _outstanding;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "ProfileGrid queue delay probe" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    // The thread ends within one idle check (10 ms); joining it means nothing touches the token once it is disposed.
    private void Stop()
    {
        _stopping.Cancel();
        _thread?.Join();
    }

    private void Run()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            if (!admission.Active)
            {
                stopping.WaitHandle.WaitOne(IdleCheck);
                continue;
            }

            if (Interlocked.CompareExchange(ref _outstanding, 1, 0) == 0)
            {
                admission.ProbeSent();
                ThreadPool.UnsafeQueueUserWorkItem(static probe => probe.Ran(), this, preferLocal: false);
            }

            Thread.Sleep(1);
            admission.Tick();
        }
    }

    private void Ran()
    {
        admission.ProbeRan();
        Volatile.Write(ref _outstanding, 0);
    }

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
    }
}
