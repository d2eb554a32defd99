namespace Parley.Server.Transports;

/// <summary>
/// What a transport connection serves (<see cref="ITransportConnection.Serve"/>): a reader it runs
/// on the thread pool when input arrives, and what it asks to finish when the server stops.
/// </summary>
public interface IConnectionApplication : IThreadPoolWorkItem
{
    /// <summary>The server is stopping: say goodbye, answer what is running, then end.</summary>
    void CloseGracefully();

    /// <summary>
    /// The transport saw the peer close its side or reset the connection, before the reader has
    /// read to the end. Called on the transport's event thread: it must only set a flag.
    /// </summary>
    void PeerHungUp();
}
