import { ApiKey } from '@/modules/auth/entities/api-key.entity';
import { Client } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { Line } from '@/modules/directory/entities/line.entity';
import { QueueMember } from '@/modules/directory/entities/queue-member.entity';
import { Queue } from '@/modules/directory/entities/queue.entity';
import { Offer } from '@/modules/routing/entities/offer.entity';
import { RoutingDecisionRecord } from '@/modules/routing/entities/routing-decision.entity';
import { StaffPresence } from '@/modules/staff/entities/staff-presence.entity';
import { User } from '@/modules/staff/entities/user.entity';
import { UserEvent } from '@/modules/notifications/delivery/user-event.entity';
import { UserSeq } from '@/modules/notifications/delivery/user-seq.entity';
import { Notification } from '@/modules/notifications/entities/notification.entity';
import { NotificationSetting } from '@/modules/notifications/entities/notification-setting.entity';
import { Broadcast } from '@/modules/notifications/entities/broadcast.entity';
import { BroadcastRecipient } from '@/modules/notifications/entities/broadcast-recipient.entity';
import { ChatRoom } from '@/modules/chat/entities/chat-room.entity';
import { ChatMember } from '@/modules/chat/entities/chat-member.entity';
import { ChatMessage } from '@/modules/chat/entities/chat-message.entity';
import { CallEvent } from '@/modules/calls/entities/call-event.entity';
import { Call } from '@/modules/calls/entities/call.entity';
import { UnmappedCode } from '@/modules/calls/entities/unmapped-code.entity';
import { Request } from '@/modules/requests/entities/request.entity';
import { RequestStage } from '@/modules/requests/entities/request-stage.entity';
import { RequestStageTemplate } from '@/modules/requests/entities/request-stage-template.entity';
import { PlannerReason } from '@/modules/planner/entities/planner-reason.entity';
import { PlannedContact } from '@/modules/planner/entities/planned-contact.entity';
import { PlannedContactHistory } from '@/modules/planner/entities/planned-contact-history.entity';
import { CalendarFeedToken } from '@/modules/planner/entities/calendar-feed-token.entity';

/** Every entity, listed once, so the API, the worker, the CLI and the tests see the same model. */
export const ENTITIES = [
  User,
  ApiKey,
  Client,
  ContactPerson,
  Line,
  Queue,
  QueueMember,
  StaffPresence,
  Offer,
  RoutingDecisionRecord,
  UserSeq,
  UserEvent,
  Notification,
  NotificationSetting,
  Broadcast,
  BroadcastRecipient,
  ChatRoom,
  ChatMember,
  ChatMessage,
  Call,
  CallEvent,
  UnmappedCode,
  Request,
  RequestStage,
  RequestStageTemplate,
  PlannerReason,
  PlannedContact,
  PlannedContactHistory,
  CalendarFeedToken,
];
