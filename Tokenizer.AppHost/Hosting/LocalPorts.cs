using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tokenizer.AppHost.Hosting;

public static class LocalPorts
{
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            // Servers bind with SO_REUSEADDR too, so a port in TIME_WAIT counts as free, as it is for them.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException)
        {
            return false;
        }

        return !IsListenedAnywhere(port);
    }

    /// <summary>True when some socket listens on the port on any address (0.0.0.0 or ::), which a loopback bind may not see.</summary>
    private static bool IsListenedAnywhere(int port) => FindListenerInodes(port).Count > 0;

    /// <summary>"pid 1234 (dotnet Tokenizer.Gateway.dll)" for the process listening on the port, when /proc tells.</summary>
    public static string? DescribeHolder(int port)
    {
        var inodes = FindListenerInodes(port);
        if (inodes.Count == 0)
        {
            return null;
        }

        foreach (var procDir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(procDir), out var pid))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(procDir, "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                        && inodes.Contains(target["socket:[".Length..^1]))
                    {
                        var cmd = ProcStat.CommandLine(pid);
                        return $"pid {pid} ({(cmd.Length > 120 ? cmd[..120] + "…" : cmd)})";
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended or hides its fds; keep looking.
            }
        }

        return "a process this user cannot see";
    }

    private static HashSet<string> FindListenerInodes(int port)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // cols[1] = local address:port, cols[3] = state (0A = LISTEN), cols[9] = inode
                if (cols.Length > 9 && cols[3] == "0A" && cols[1].EndsWith(":" + hexPort, StringComparison.Ordinal))
                {
                    result.Add(cols[9]);
                }
            }
        }

        return result;
    }
}
