using System.Text;
using System.Text.Json.Nodes;
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;

namespace TranscribeStack.LocalInvoke;

/// <summary>
/// Reads one JSON request per line and writes one line per request: <c>{"ok":true,"result":{...}}</c> or
/// <c>{"ok":false,"errorType":"&lt;exception class&gt;","errorMessage":"..."}</c>. Requests:
/// <list type="bullet">
/// <item><c>{"handler":"JobPlanner","payload":{...}}</c>: the handler's HandleAsync with the payload as a stream,
/// as the Lambda runtime calls it.</item>
/// <item><c>{"handler":"PollPacing","payload":{"minIntervalSeconds":..,"maxIntervalSeconds":..,"givesUpAfterSeconds":..,
/// "jobSecondsPerAudioSecond":..}}</c>:
/// the <see cref="PollPacing"/> the planner builds from those settings, answered as <c>{"mostPolls":..,"maxPolls":..}</c>,
/// so that a judge bounds the polling loop by the real pacing instead of a copy of it.</item>
/// </list>
/// </summary>
public static class LocalInvoker
{
    public static async Task RunAsync(TextReader input, TextWriter output, Func<JobPlannerHandler> createPlanner)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(createPlanner);

        // Built on the first request, like a Lambda container's first invocation: a missing
        // environment variable is then reported as that request's error instead of ending the tool.
        JobPlannerHandler? planner = null;
        while (await input.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject response;
            try
            {
                var request = JsonNode.Parse(line)?.AsObject() ?? throw new ArgumentException("The request is null.");
                var handler = request["handler"]?.GetValue<string>();
                var result = handler switch
                {
                    "JobPlanner" => await PlanAsync(planner ??= createPlanner(), request["payload"]).ConfigureAwait(false),
                    "PollPacing" => Pace(request["payload"]),
                    _ => throw new ArgumentException($"Unknown handler '{handler}'; this tool hosts JobPlanner and PollPacing."),
                };
                response = new JsonObject { ["ok"] = true, ["result"] = result };
            }
#pragma warning disable CA1031 // Every error is answered to the caller, as the Lambda service reports a function error.
            catch (Exception e)
#pragma warning restore CA1031
            {
                response = new JsonObject { ["ok"] = false, ["errorType"] = e.GetType().Name, ["errorMessage"] = e.Message };
            }

            await output.WriteLineAsync(response.ToJsonString()).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }
    }

    private static async Task<JsonNode?> PlanAsync(JobPlannerHandler planner, JsonNode? payload)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload?.ToJsonString() ?? "null"));
        var result = await planner.HandleAsync(input).ConfigureAwait(false);
        await using (result.ConfigureAwait(false))
        {
            return await JsonNode.ParseAsync(result).ConfigureAwait(false);
        }
    }

    /// <summary>The pacing's bounds, from the settings the planner reads (invalid settings throw as they do there).</summary>
    private static JsonObject Pace(JsonNode? payload)
    {
        var settings = payload as JsonObject ?? throw new ArgumentException("The PollPacing request has no payload object.");
        var pacing = new PollPacing(
            Setting<int>(settings, "minIntervalSeconds"),
            Setting<int>(settings, "maxIntervalSeconds"),
            Setting<long>(settings, "givesUpAfterSeconds"),
            Setting<double>(settings, "jobSecondsPerAudioSecond"));
        return new JsonObject { ["mostPolls"] = pacing.MostPolls, ["maxPolls"] = PollPacing.MaxPolls };
    }

    private static T Setting<T>(JsonObject settings, string name) =>
        settings[name] is { } value ? value.GetValue<T>() : throw new ArgumentException($"The PollPacing request has no {name}.");
}
