import { Module } from '@nestjs/common';
import { QuoteUpstream } from './quote-upstream.js';
import { QuotesController } from './quotes.controller.js';
import { QuotesService } from './quotes.service.js';

@Module({ controllers: [QuotesController], providers: [QuoteUpstream, QuotesService] })
export class QuotesModule {}
