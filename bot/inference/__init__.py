"""Reply inference: which earlier message a message answers when Discord does not say.

Discord-agnostic: the input is one channel's (or thread's) messages in time order as
:class:`ChatMessage` records, the output one :class:`InferredLink` per message. The
model was trained on the Ubuntu IRC disentanglement corpus (Kummerfeld et al., ACL 2019,
CC-BY-4.0); see docs/inference.md.
"""

from bot.inference.infer import infer_replies
from bot.inference.model import MODEL_VERSION, ReplyModel, load_model
from bot.inference.records import ChatMessage, InferredLink

__all__ = [
    "MODEL_VERSION",
    "ChatMessage",
    "InferredLink",
    "ReplyModel",
    "infer_replies",
    "load_model",
]
