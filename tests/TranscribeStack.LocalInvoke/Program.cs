// Reads one JSON request per line on stdin: {"handler":"JobPlanner","payload":{...}}, calls the
// handler's HandleAsync with the payload as a stream (as the Lambda runtime does) and writes one
// line per request: {"ok":true,"result":...} or {"ok":false,"errorType":"<exception>","errorMessage":"..."}.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TranscribeStack.Functions.JobPlanning;

var planner = new JobPlannerHandler();
var stdout = Console.Out;
while (await Console.In.ReadLineAsync() is { } line)
{
    if (string.IsNullOrWhiteSpace(line))
    {
        continue;
    }

    JsonObject response;
    try
    {
        var request = JsonNode.Parse(line)!.AsObject();
        var handler = request["handler"]?.GetValue<string>();
        if (handler != "JobPlanner")
        {
            throw new ArgumentException($"Unknown handler '{handler}'; this tool hosts JobPlanner.");
        }

        using var input = new MemoryStream(Encoding.UTF8.GetBytes(request["payload"]?.ToJsonString() ?? "null"));
        await using var output = await planner.HandleAsync(input);
        response = new JsonObject { ["ok"] = true, ["result"] = await JsonNode.ParseAsync(output) };
    }
#pragma warning disable CA1031 // Every handler error is reported to the caller, as the Lambda service would.
    catch (Exception e)
#pragma warning restore CA1031
    {
        response = new JsonObject { ["ok"] = false, ["errorType"] = e.GetType().Name, ["errorMessage"] = e.Message };
    }

    await stdout.WriteLineAsync(response.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    await stdout.FlushAsync();
}
