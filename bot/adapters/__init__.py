"""Platform adapters: each turns one platform into IncomingMessage and back."""
