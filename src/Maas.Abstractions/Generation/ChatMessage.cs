namespace Maas.Generation;

/// <summary>One message of a chat: its role (system, user, assistant, tool) and its text.</summary>
public sealed record ChatMessage(string Role, string Content);
