using Microsoft.Playwright;

namespace Parley.Web.Tests.Support;

/// <summary>
/// Files into the page the three ways a person does it: the paperclip's file chooser, a paste into
/// the message box, and a drag onto the conversation. Paste and drag are the browser's own events
/// (ClipboardEvent, DragEvent) carrying a DataTransfer that holds a real File.
/// </summary>
public static class FileActions
{
    public static FilePayload File(string name, string type, byte[] bytes) => new() { Name = name, MimeType = type, Buffer = bytes };

    /// <summary>The uploads in the composer's tray.</summary>
    public static ILocator Uploads(this WebUser user) => user.Page.Locator("#composer-files .upload");

    /// <summary>Clicks the paperclip and picks the files in the chooser it opens.</summary>
    public static async Task PickFilesAsync(this WebUser user, params FilePayload[] files)
    {
        var chooser = await user.Page.RunAndWaitForFileChooserAsync(
            () => user.Page.GetByRole(AriaRole.Button, new() { Name = "Attach files" }).ClickAsync());
        await chooser.SetFilesAsync(files);
    }

    /// <summary>Dispatches a paste holding the file on the message box, as a screenshot pasted from the clipboard.</summary>
    public static Task PasteFileAsync(this WebUser user, FilePayload file) => user.Page.EvaluateAsync("""
        ({ data, name, type }) => {
          const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name, { type }));
          const input = document.getElementById('composer-input');
          input.focus();
          input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
        }
        """, Arguments(file));

    /// <summary>Drags the file over the conversation (dragenter, dragover) without dropping it.</summary>
    public static Task DragFileOverAsync(this WebUser user, FilePayload file) => user.Page.EvaluateAsync("""
        ({ data, name, type }) => {
          const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name, { type }));
          window.parleyTestDrag = transfer;
          const over = document.getElementById('messages-scroll');
          for (const kind of ['dragenter', 'dragover'])
            over.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }
        """, Arguments(file));

    /// <summary>Drops what <see cref="DragFileOverAsync"/> dragged.</summary>
    public static Task DropAsync(this WebUser user) => user.Page.EvaluateAsync("""
        () => {
          const over = document.getElementById('messages-scroll');
          over.dispatchEvent(new DragEvent('drop', { dataTransfer: window.parleyTestDrag, bubbles: true, cancelable: true }));
        }
        """);

    private static object Arguments(FilePayload file) => new { data = Convert.ToBase64String(file.Buffer), name = file.Name, type = file.MimeType };
}
