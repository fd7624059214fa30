namespace TranscribeStack.Contracts;

/// <summary>
/// The waits of one job's polling, as the state machine follows them: wait <see cref="WaitSeconds"/>,
/// poll; while the job runs, take the next entry of <see cref="LaterWaitSeconds"/> and poll again;
/// after <see cref="LaterPolls"/> later polls the job is given up. Field names are the state
/// machine's JSON paths (<c>$.job.polling.*</c>).
/// </summary>
public sealed record PollingPlan(
    int WaitSeconds,
    IReadOnlyList<int> LaterWaitSeconds,
    int LaterPolls,
    int LaterPollsMade,
    long GivesUpAfterSeconds);

/// <summary>
/// Paces the backstop polls of one transcription job. A finished job is noticed by Transcribe's
/// completion event within seconds; the events are best effort, and this plan is the one safety net
/// for a lost one: the execution's wait for the event is bounded by the current wait, then the job is
/// polled. Every wait is the longest interval (later ones jittered), and the last ends at the give-up
/// time, so a job whose event was lost is noticed within the longest interval of its end, whatever its
/// length, and a stack's polls run at (jobs in flight) / (longest interval) a second: they grow with
/// the jobs in flight, never with a backlog or a job's length.
/// Shared by the Lambda (plans every job) and the CDK app (validates the settings).
/// </summary>
public sealed record PollPacing
{
    /// <summary>
    /// Most polls one plan may hold: every poll round adds its states' events to the execution's history,
    /// which holds at most 25,000 (tests/judges/limits.mjs checks the longest execution of each template).
    /// </summary>
    public const int MaxPolls = 480;

    /// <summary>
    /// Each later wait is shortened by up to this part, by a fraction drawn from the job's own seed, so
    /// executions started together do not poll in lockstep (only shortened: the lag bound still holds).
    /// </summary>
    public const double JitterFraction = 0.1;

    public PollPacing(int minIntervalSeconds, int maxIntervalSeconds, long givesUpAfterSeconds, double jobSecondsPerAudioSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minIntervalSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIntervalSeconds, minIntervalSeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(givesUpAfterSeconds, minIntervalSeconds);
        if (!double.IsFinite(jobSecondsPerAudioSecond) || jobSecondsPerAudioSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(jobSecondsPerAudioSecond), jobSecondsPerAudioSecond, "must be a positive number.");
        }

        MinIntervalSeconds = minIntervalSeconds;
        MaxIntervalSeconds = maxIntervalSeconds;
        GivesUpAfterSeconds = givesUpAfterSeconds;
        JobSecondsPerAudioSecond = jobSecondsPerAudioSecond;
    }

    /// <summary>Shortest wait between two polls (a jittered later wait is never shorter; the last one may be).</summary>
    public int MinIntervalSeconds { get; }

    /// <summary>How long an execution waits for its job's completion event before polling it anyway.</summary>
    public int MaxIntervalSeconds { get; }

    /// <summary>The waits add up to this: a job still running then is given up.</summary>
    public long GivesUpAfterSeconds { get; }

    /// <summary>Expected transcription time per second of audio: each plan records the job's expected length with it (the waits do not
    /// depend on it).</summary>
    public double JobSecondsPerAudioSecond { get; }

    /// <summary>The job length this pacing expects for media of the given length, at least one second.</summary>
    public int ExpectedJobSeconds(int expectedAudioSeconds) =>
        (int)Math.Clamp(Math.Ceiling(Math.Max(expectedAudioSeconds, 0) * JobSecondsPerAudioSecond), 1, int.MaxValue);

    /// <summary>
    /// The most polls a plan holds: every later wait shortened by the whole <see cref="JitterFraction"/>
    /// (shorter waits only add polls).
    /// </summary>
    public int MostPolls => Waits(_ => 1 - JitterFraction).Count;

    /// <summary>
    /// The polling plan of a job; with a <paramref name="jitterSeed"/> its later waits are jittered (the
    /// same seed, the same plan).
    /// </summary>
    public PollingPlan Plan(ulong? jitterSeed = null)
    {
        var waits = Waits(poll => jitterSeed is { } seed ? 1 - (JitterFraction * Uniform(seed, poll)) : 1);
        if (waits.Count > MaxPolls)
        {
            throw new InvalidOperationException(
                $"Polling every {MinIntervalSeconds}-{MaxIntervalSeconds} s for {GivesUpAfterSeconds} s takes {waits.Count} polls, more "
                + $"than {MaxPolls}.");
        }

        return new PollingPlan(waits[0], waits[1..], waits.Count - 1, 0, GivesUpAfterSeconds);
    }

    /// <param name="laterFactor">For later wait n (1, 2, ...), the factor in (1 - JitterFraction, 1] it is shortened by.</param>
    private List<int> Waits(Func<int, double> laterFactor)
    {
        var waits = new List<int>();
        long waited = 0;
        var next = MaxIntervalSeconds;
        while (waited < GivesUpAfterSeconds)
        {
            // The last wait ends exactly at the give-up time.
            next = (int)Math.Min(next, GivesUpAfterSeconds - waited);
            waits.Add(next);
            waited += next;
            next = (int)Math.Max(MinIntervalSeconds, Math.Floor(MaxIntervalSeconds * laterFactor(waits.Count)));
        }

        return waits;
    }

    /// <summary>A number in [0, 1) from the seed and the poll (SplitMix64): the same inputs, the same number.</summary>
    private static double Uniform(ulong seed, int poll)
    {
        var z = seed + ((ulong)poll * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
