// Entry point: mounts the views, draws them from the store on every change, and connects.
import { byId } from './dom.js';
import { store } from './store.js';
import { connect } from './session.js';
import { markActiveRead } from './actions.js';
import { mountLogin } from './views/login.js';
import { mountRail, renderRail } from './views/rail.js';
import { mountConversationList, renderConversationList } from './views/conversationList.js';
import { mountChatHeader, renderChatHeader } from './views/chatHeader.js';
import { mountMessageList, renderMessageList } from './views/messageList.js';
import { mountComposer, renderComposer } from './views/composer.js';
import { mountComposerExtras, renderComposerExtras } from './views/composerExtras.js';
import { mountMessageExtras } from './views/messageExtras.js';
import { mountComposerFiles, renderComposerFiles } from './views/composerFiles.js';
import { mountViewer } from './views/viewer.js';
import { mountMemberPanel, renderMemberPanel } from './views/memberPanel.js';
import { mountRoomDialog } from './views/roomDialog.js';
import { mountRoomSettings } from './views/roomSettings.js';
import { mountPersonCard } from './views/personCard.js';
import { mountAccountDialog } from './views/accountDialog.js';
import { renderBanner, renderTitle } from './views/banner.js';
import { renderTypingLine } from './views/typingLine.js';
import { updateWatch } from './watch.js';
import { renderAppBadge } from './appBadge.js';
import { openFromLaunchAddress, registerServiceWorker } from './installable.js';

// View-only state: whether the member panel is open (by default where there is room for it).
const ui = { membersOpen: window.matchMedia('(min-width: 1000px)').matches };

function render() {
  renderBanner(store);
  renderTitle(store);
  renderAppBadge(store);
  byId('login').hidden = store.screen !== 'login';
  byId('app').hidden = store.screen !== 'app';
  if (store.screen !== 'app') return;
  // On a phone the list and the conversation are separate screens (css/layout.css).
  byId('app').dataset.screen = store.activeKey ? 'chat' : 'list';
  renderRail(store);
  renderConversationList(store);
  renderChatHeader(store, ui);
  renderMemberPanel(store, ui);
  renderComposer(store);
  renderComposerExtras();
  renderComposerFiles();
  renderMessageList(store);
  renderTypingLine(store);
  updateWatch();
}

mountLogin();
mountRail();
mountConversationList(store);
mountChatHeader(store, ui);
mountMessageList(store);
mountComposer();
mountComposerExtras();
mountComposerFiles();
mountViewer();
mountMessageExtras();
mountMemberPanel(store, ui);
mountRoomDialog();
mountRoomSettings(store);
mountPersonCard(store);
mountAccountDialog(store);
store.subscribe(render);
document.addEventListener('visibilitychange', markActiveRead);
openFromLaunchAddress();
connect();
registerServiceWorker();
