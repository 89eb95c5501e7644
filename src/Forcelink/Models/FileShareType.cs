
namespace Forcelink.Models;

/// <summary>The permission a record link gives on a file (ContentDocumentLink <c>ShareType</c>).</summary>
public enum FileShareType
{
    /// <summary><c>V</c>: users who see the record may view the file.</summary>
    Viewer,

    /// <summary><c>C</c>: users who see the record may view and edit the file.</summary>
    Collaborator,

    /// <summary><c>I</c>: permission follows the user's access to the record.</summary>
    Inferred,
}
