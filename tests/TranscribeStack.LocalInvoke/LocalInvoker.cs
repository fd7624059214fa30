using System.Text;
using System.Text.Json.Nodes;
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;

namespace TranscribeStack.LocalInvoke;

/// <summary>
/// Reads one JSON request per line, <c>{"handler":"JobPlanner","payload":{...}}</c>, calls the handler's
/// HandleAsync with the payload as a stream, as the Lambda runtime does, and writes one line per request:
/// <c>{"ok":true,"result":{...}}</c> or <c>{"ok":false,"errorType":"&lt;exception class&gt;","errorMessage":"..."}</c>.
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
                if (handler != "JobPlanner")
                {
                    throw new ArgumentException($"Unknown handler '{handler}'; this tool hosts JobPlanner.");
                }

                planner ??= createPlanner();
                using var payload = new MemoryStream(Encoding.UTF8.GetBytes(request["payload"]?.ToJsonString() ?? "null"));
                var result = await planner.HandleAsync(payload).ConfigureAwait(false);
                await using (result.ConfigureAwait(false))
                {
                    response = new JsonObject { ["ok"] = true, ["result"] = await JsonNode.ParseAsync(result).ConfigureAwait(false) };
                }
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
}
