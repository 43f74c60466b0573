namespace Roster.Features.Sessions;

/// <summary>
/// A short, human description of a client from its User-Agent header, for the sessions list: browser and operating
/// system ("Chrome on Linux", "Safari on iOS"), a known tool ("curl"), or "Unknown device". The raw header is not kept:
/// it is long, client-chosen text that identifies nothing a person needs to recognise their own device.
/// </summary>
public static class DeviceDescription
{
    public const string Unknown = "Unknown device";

    // Order matters: Edge and Opera also say Chrome and Safari; Chrome also says Safari; Android also says Linux.
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
    ];

    private static readonly (string Token, string Name)[] Tools =
    [
        ("curl/", "curl"), ("Wget/", "Wget"), ("python-requests/", "Python requests"), ("python-httpx/", "Python httpx"),
        ("PostmanRuntime/", "Postman"), ("okhttp/", "OkHttp"), ("Go-http-client/", "Go HTTP client"), ("node-fetch", "Node.js"),
        ("axios/", "axios"),
    ];

    /// <summary>The description, at most <see cref="Session.DeviceMaxLength"/> characters; <see cref="Unknown"/> for an empty or unrecognised header.</summary>
    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return Unknown;
        }

        var browser = Find(Browsers, userAgent);
        var system = Find(Systems, userAgent);
        var description = (browser, system) switch
        {
            ({ } b, { } s) => $"{b} on {s}",
            ({ } b, null) => b,
            (null, { } s) => $"Browser on {s}",
            _ => Find(Tools, userAgent) ?? Unknown,
        };
        return description.Length > Session.DeviceMaxLength ? description[..Session.DeviceMaxLength] : description;
    }

    private static string? Find((string Token, string Name)[] table, string userAgent)
    {
        foreach (var (token, name) in table)
        {
            if (userAgent.Contains(token, StringComparison.Ordinal))
            {
                return name;
            }
        }

        return null;
    }
}
