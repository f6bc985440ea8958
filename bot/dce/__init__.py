"""DiscordChatExporter exports: reading them as streams, and importing them."""
